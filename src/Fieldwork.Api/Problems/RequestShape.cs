using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Wolverine.Http;

namespace Fieldwork.Api.Problems;

/// <summary>
/// What an endpoint takes: its body type and its query parameters with their types. Put on every
/// endpoint's metadata by <see cref="ValidationPolicy"/>, so that the query check and the 400s of
/// <see cref="ProblemShaping"/> can say what a value should have been.
/// </summary>
public sealed record RequestContract(Type? Body, IReadOnlyDictionary<string, Type> Query)
{
    public static RequestContract Of(HttpChain chain)
    {
        var body = chain.HasRequestType && chain.RequestType is { } type && type != typeof(void) ? type : null;
        var route = chain.RoutePattern!.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var query = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in chain.Method.Method.GetParameters())
        {
            // Services and the HttpContext are classes or interfaces; what Wolverine binds from the
            // query string is a string or a simple value (Guid?, int?, bool?, an enum).
            var inner = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            var simple = inner == typeof(string) || inner.IsEnum || inner.IsPrimitive || inner == typeof(Guid) || inner == typeof(decimal)
                         || inner == typeof(DateOnly) || inner == typeof(DateTimeOffset);
            if (parameter.Name is { } name && simple && !route.Contains(name) && parameter.ParameterType != body)
            {
                query[name] = parameter.ParameterType;
            }
        }

        return new RequestContract(body, query);
    }
}

/// <summary>Facts about the types of request values: what a valid one looks like, what a body type holds.</summary>
public static class RequestShape
{
    /// <summary>What a value of <paramref name="type"/> must be, as the end of "'x' must be ...".</summary>
    public static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t switch
        {
            _ when t == typeof(string) => "a string of valid Unicode text (valid UTF-8, no unpaired surrogate escape such as \\ud800)",
            _ when t == typeof(DateOnly) => "a date, yyyy-MM-dd (2019-03-31)",
            _ when t == typeof(DateTimeOffset) || t == typeof(DateTime) => "an instant, ISO 8601 with an offset (2019-03-31T12:00:00Z)",
            _ when t == typeof(Guid) => "a GUID (0f8fad5b-d9cb-469f-a165-70867728950e)",
            _ when t == typeof(int) => "an integer from -2147483648 to 2147483647, without a fraction or exponent",
            _ when t == typeof(long) => "an integer, without a fraction or exponent",
            _ when t == typeof(decimal) || t == typeof(double) || t == typeof(float) => "a number",
            _ when t == typeof(bool) => "true or false",
            { IsEnum: true } => $"one of {string.Join(", ", EnumNames(t))}",
            _ when ElementType(t) is { } item => $"an array, each item {Describe(item)}",
            _ => "an object",
        };
    }

    /// <summary>An enum's values as the API reads and writes them (camelCase).</summary>
    public static IEnumerable<string> EnumNames(Type type) => Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName);

    /// <summary>The fields a client may send for <paramref name="type"/>: what the serializer reads, not what it only writes.</summary>
    public static IEnumerable<JsonPropertyInfo> Properties(Type type, JsonSerializerOptions options)
    {
        var info = options.GetTypeInfo(type);
        return info.Kind == JsonTypeInfoKind.Object
            ? info.Properties.Where(p => p.Get is not null && (p.Set is not null || p.AssociatedParameter is not null))
            : [];
    }

    /// <summary>The item type of a list or array, or null.</summary>
    public static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];

    /// <summary>A member's path under its parent's ("consent" + "quote" is "consent.quote").</summary>
    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    /// <summary>An item's path under its list's ("siteIds", 1 is "siteIds[1]").</summary>
    public static string Index(string path, int index) => $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";
}
