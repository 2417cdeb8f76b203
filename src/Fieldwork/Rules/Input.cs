namespace Fieldwork.Rules;

/// <summary>Free text of a request as the rules take it.</summary>
public static class Input
{
    /// <summary>Optional text trimmed, and blank as none.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
