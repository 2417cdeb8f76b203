using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Validators;

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

/// <summary>Facts about the types of request values: what a valid one looks like, and which type sits at a JSON path.</summary>
public static partial class RequestShape
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

    /// <summary>
    /// Follows a System.Text.Json path ("$.consent.lawfulBasis", "$.siteIds[1]", "$['odd name']")
    /// through the body type: the API's key for it (camelCase, as declared) and the type there, or
    /// null where the path leaves the body's contract.
    /// </summary>
    public static (string Key, Type? Type) Resolve(Type? body, string jsonPath, JsonSerializerOptions options)
    {
        var key = new StringBuilder();
        var type = body;
        foreach (Match segment in PathSegment().Matches(jsonPath))
        {
            if (segment.Groups["index"].Success)
            {
                key.Append('[').Append(segment.Groups["index"].Value).Append(']');
                type = type is null ? null : ElementType(Nullable.GetUnderlyingType(type) ?? type);
                continue;
            }

            var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal);
            var property = type is null ? null : Properties(type, options)
                .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            key.Append(key.Length > 0 ? "." : "").Append(property?.Name ?? name);
            type = property?.PropertyType;
        }

        return (key.Length == 0 ? "body" : key.ToString(), type);
    }

    /// <summary>
    /// Where, inside <paramref name="body"/>, the object sits whose type System.Text.Json names
    /// <paramref name="typeName"/> (in its messages about unknown and repeated fields): its path
    /// prefix ("consent." for ConsentInput, "" for the body itself) and its type; ("", null) when
    /// it cannot be told (inside a list, or not found).
    /// </summary>
    public static (string Prefix, Type? Type) Locate(Type? body, string typeName, JsonSerializerOptions options, int depth = 0)
    {
        if (body is null || depth > 8)
        {
            return ("", null);
        }

        if (body.ToString() == typeName)
        {
            return ("", body);
        }

        foreach (var property in Properties(body, options))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Object && Locate(type, typeName, options, depth + 1) is (var inner, { } found))
            {
                return (property.Name + "." + inner, found);
            }
        }

        return ("", null);
    }

    /// <summary>The fields a client may send for <paramref name="type"/>: what the serializer reads, not what it only writes.</summary>
    public static IEnumerable<JsonPropertyInfo> Properties(Type type, JsonSerializerOptions options)
    {
        var info = options.GetTypeInfo(type);
        return info.Kind == JsonTypeInfoKind.Object
            ? info.Properties.Where(p => p.Get is not null && (p.Set is not null || p.AssociatedParameter is not null))
            : [];
    }

    /// <summary>
    /// The maximum length the validator of <paramref name="type"/> sets on the property
    /// <paramref name="member"/> (MaximumLength, Length), or null when it sets none.
    /// </summary>
    public static int? ValidatorMaxLength(Type type, string member, IServiceProvider services) =>
        (services.GetService(typeof(IValidator<>).MakeGenericType(type)) as IValidator)?.CreateDescriptor()
            .GetRulesForMember(member)
            .SelectMany(rule => rule.Components)
            .Select(component => component.Validator).OfType<ILengthValidator>()
            .Where(length => length.Max > 0).Select(length => (int?)length.Max).Min();

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

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>(?:[^']|'')*)'\]")]
    private static partial Regex PathSegment();
}
