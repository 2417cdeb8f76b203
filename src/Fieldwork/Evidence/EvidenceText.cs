using System.Security.Cryptography;
using System.Text;

namespace Fieldwork.Evidence;

/// <summary>A text as stored: normalised, with its length in code points and its SHA-256.</summary>
public sealed record NormalisedText(string Text, int Length, string Sha256);

/// <summary>
/// Texts are stored in one canonical form so that character offsets never move: Unicode NFC,
/// LF line ends, no byte-order mark; lengths and offsets count code points.
/// </summary>
public static class EvidenceText
{
    /// <summary>The most a text version may hold, in UTF-8 bytes (5 MB).</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    public static NormalisedText Normalise(string text)
    {
        var body = NormaliseForm(text);
        var length = 0;
        foreach (var _ in body.EnumerateRunes())
        {
            length++;
        }

        return new NormalisedText(body, length, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
    }

    /// <summary>The stored form of a text alone (no BOM, LF line ends, NFC), without measuring or hashing it.</summary>
    public static string NormaliseForm(string text) =>
        text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Normalize(NormalizationForm.FormC);

    /// <summary>The code points [start, end) of a stored text.</summary>
    public static string Slice(string text, int start, int end)
    {
        var runes = text.EnumerateRunes().Skip(start).Take(end - start);
        var builder = new StringBuilder();
        foreach (var rune in runes)
        {
            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    /// <summary>Where each code point of a stored text starts in UTF-16, and one past the end: slices in O(1) after one pass.</summary>
    public static int[] CodePointOffsets(string text)
    {
        var offsets = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            offsets.Add(i);
        }

        offsets.Add(text.Length);
        return [.. offsets];
    }
}
