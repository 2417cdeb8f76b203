using System.Text.Json.Nodes;

namespace Fieldwork.Web.Components.Shared;

/// <summary>A code of the codebook tree, flattened with its depth and path for lists and pickers.</summary>
public sealed record CodeChoice(Guid Id, string Name, string Path, int Depth, string Status, string? MergedInto, string? Definition)
{
    /// <summary>Every code of a codebook read ({ codes: [...] } with children), depth first.</summary>
    public static IReadOnlyList<CodeChoice> Flatten(JsonNode codebook)
    {
        var all = new List<CodeChoice>();
        void Walk(JsonArray? codes, string path, int depth)
        {
            foreach (var code in codes ?? [])
            {
                var name = code!["name"]!.GetValue<string>();
                var full = path.Length == 0 ? name : $"{path} › {name}";
                all.Add(new CodeChoice(code["id"]!.GetValue<Guid>(), name, full, depth, code["status"]?.GetValue<string>() ?? "active",
                    code["mergedInto"]?.ToString(), code["definition"]?.GetValue<string>()));
                Walk(code["children"] as JsonArray, full, depth + 1);
            }
        }

        Walk(codebook["codes"] as JsonArray, "", 0);
        return all;
    }
}
