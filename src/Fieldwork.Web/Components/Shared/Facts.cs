using System.Text.Json.Nodes;

namespace Fieldwork.Web.Components.Shared;

/// <summary>Renders the API's JSON values as short text for tables.</summary>
public static class Facts
{
    /// <summary>A value as text: strings bare, lists joined, objects as name: value pairs.</summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => "—",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray a => string.Join(", ", a.Select(Text)),
        JsonObject o => string.Join("; ", o.Select(p => $"{p.Key}: {Text(p.Value)}")),
        _ => value.ToJsonString(),
    };

    /// <summary>An event's change, without the ids every event of the stream repeats.</summary>
    public static string Change(JsonNode? change, params string[] leaveOut) => change is JsonObject o
        ? string.Join("; ", o.Where(p => !leaveOut.Contains(p.Key) && p.Value is not null).Select(p => $"{p.Key}: {Text(p.Value)}"))
        : Text(change);
}
