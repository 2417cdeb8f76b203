using System.Reflection;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fieldwork.Api.Hosting;

/// <summary>
/// Makes a request schema's "required" list say what the API really requires. Commands are
/// records whose fields are all nullable (so a missing field gets a 400 naming it, not a
/// deserialisation error), which the generator would list as required one and all. With a
/// validator, required are the fields it refuses unconditionally when null or empty; without
/// one, the fields whose type is not nullable. A required field's schema does not admit null.
/// </summary>
public sealed class OpenApiRequiredFields : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (schema.Properties is not { Count: > 0 } || context.JsonTypeInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object
            || type.Namespace?.StartsWith("Fieldwork", StringComparison.Ordinal) != true)
        {
            return Task.CompletedTask;
        }

        var validator = context.ApplicationServices.GetService(typeof(IValidator<>).MakeGenericType(type)) as IValidator;
        var descriptor = validator?.CreateDescriptor();
        var required = new HashSet<string>(StringComparer.Ordinal);
        var nullability = new NullabilityInfoContext(); // not thread-safe: one per call
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (property.AttributeProvider is not MemberInfo member || !schema.Properties.ContainsKey(property.Name))
            {
                continue;
            }

            var isRequired = descriptor is not null
                ? descriptor.GetRulesForMember(member.Name).Any(rule => !rule.HasCondition && !rule.HasAsyncCondition
                    && rule.Components.Any(c => !c.HasCondition && !c.HasAsyncCondition && c.Validator is INotNullValidator or INotEmptyValidator))
                : !IsNullable(nullability, member);
            if (isRequired)
            {
                required.Add(property.Name);
            }
        }

        schema.Required = required;
        foreach (var name in required)
        {
            // A required field may not be null either: say so, so that generated clients type it as such.
            switch (schema.Properties[name])
            {
                case OpenApiSchema { Type: { } kind } property when kind.HasFlag(JsonSchemaType.Null):
                    property.Type = kind & ~JsonSchemaType.Null;
                    break;
                case OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var only] }:
                    schema.Properties[name] = only;
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static bool IsNullable(NullabilityInfoContext nullability, MemberInfo member) => member switch
    {
        PropertyInfo p => nullability.Create(p).ReadState != NullabilityState.NotNull,
        FieldInfo f => nullability.Create(f).ReadState != NullabilityState.NotNull,
        _ => true,
    };
}
