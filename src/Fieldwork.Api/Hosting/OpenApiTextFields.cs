using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fieldwork.Api.Hosting;

/// <summary>
/// Says in the OpenAPI document what the character policy says of each text field of a request
/// (docs/api.md, "Characters and text"): <c>x-text</c> is <c>singleLine</c> or <c>long</c>
/// ([LongText]), and <c>maxLength</c> is the validator's maximum, or the policy's default for a
/// single line. Only types a request body holds are marked: a response's strings are not
/// checked against anything.
/// </summary>
public sealed class OpenApiTextFields : IOpenApiSchemaTransformer
{
    private HashSet<Type>? requestTypes;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;
        if (schema.Properties is not { Count: > 0 } || info.Kind != JsonTypeInfoKind.Object
            || !(requestTypes ??= RequestTypes(context.ApplicationServices, info.Options)).Contains(info.Type))
        {
            return Task.CompletedTask;
        }

        foreach (var property in RequestShape.Properties(info.Type, info.Options))
        {
            if (property.PropertyType != typeof(string) || property.AttributeProvider is not MemberInfo member
                || !schema.Properties.TryGetValue(property.Name, out var found) || found is not OpenApiSchema text)
            {
                continue;
            }

            var isLong = member.IsDefined(typeof(LongTextAttribute), inherit: true);
            text.MaxLength = RequestShape.ValidatorMaxLength(info.Type, member.Name, context.ApplicationServices)
                             ?? (isLong ? null : TextPolicy.SingleLineMaxLength);
            text.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            text.Extensions["x-text"] = new JsonNodeExtension(JsonValue.Create(isLong ? "long" : "singleLine"));
        }

        return Task.CompletedTask;
    }

    /// <summary>Every body type of the API's endpoints, and every object type inside one.</summary>
    private static HashSet<Type> RequestTypes(IServiceProvider services, System.Text.Json.JsonSerializerOptions options)
    {
        var found = new HashSet<Type>();
        var pending = new Stack<Type>(services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<RequestContract>()?.Body).OfType<Type>());
        while (pending.TryPop(out var type))
        {
            if (found.Add(type))
            {
                foreach (var property in RequestShape.Properties(type, options))
                {
                    var inner = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                    var item = RequestShape.ElementType(inner) ?? inner;
                    if (options.GetTypeInfo(item).Kind == JsonTypeInfoKind.Object)
                    {
                        pending.Push(item);
                    }
                }
            }
        }

        return found;
    }
}
