using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fieldwork.Api.Hosting;

/// <summary>The API's JSON: camelCase names, camelCase enum strings, unknown and repeated fields refused.</summary>
public static class JsonDefaults
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 32;
        // A field given twice is ambiguous (parsers disagree on which one wins): refused, not last-wins.
        options.AllowDuplicateProperties = false;
    }
}
