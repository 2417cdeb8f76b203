using System.Globalization;

namespace Fieldwork.Api.Problems;

/// <summary>What a text field of a request holds: one line (a name, a code, a reason), or free text ([LongText]).</summary>
public enum TextKind
{
    SingleLine,
    Long,
}

/// <summary>Why a text is refused.</summary>
public enum TextProblem
{
    /// <summary>A C0 control, DEL or a C1 control (Unicode category Cc); long texts may hold tab, LF and CR.</summary>
    ControlCharacter,

    /// <summary>U+2028 or U+2029 in a single-line field.</summary>
    LineSeparator,

    /// <summary>A bidirectional embedding, override or isolate (U+202A..U+202E, U+2066..U+2069) in a single-line field.</summary>
    BidiControl,

    /// <summary>Half of a surrogate pair without the other half: not Unicode text at all.</summary>
    UnpairedSurrogate,

    /// <summary>U+FDD0..U+FDEF, or the last two code points of any plane (U+FFFE, U+FFFF, U+1FFFE, ...).</summary>
    Noncharacter,

    /// <summary>A single-line field that begins or ends with whitespace.</summary>
    EdgeWhitespace,

    /// <summary>A single-line field over its maximum length.</summary>
    TooLong,
}

/// <summary>The first thing wrong with a text: what, and where (the offset counts code points, as the API's text offsets do).</summary>
public readonly record struct TextFault(TextProblem Problem, int Offset, int CodePoint);

/// <summary>
/// The API's one character policy, as a pure function (docs/api.md, "Characters and text").
/// Everything a request carries as text is checked against it before anything is written: a NUL
/// cannot be stored in PostgreSQL's jsonb at all, and control or invisible direction characters
/// in a name make lists and exports lie about what they show.
/// </summary>
public static class TextPolicy
{
    /// <summary>The most a single-line field may hold when its validator says nothing stricter (UTF-16 code units, as FluentValidation counts).</summary>
    public const int SingleLineMaxLength = 2000;

    /// <summary>The first fault of <paramref name="value"/>, or null when it may be stored as it is.</summary>
    public static TextFault? Find(string value, TextKind kind, int maxLength = SingleLineMaxLength)
    {
        if (kind == TextKind.SingleLine && value.Length > maxLength)
        {
            return new TextFault(TextProblem.TooLong, maxLength, 0);
        }

        var offset = 0;
        var last = 0;
        for (var i = 0; i < value.Length; i++, offset++)
        {
            int codePoint = value[i];
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                codePoint = char.ConvertToUtf32(value[i], value[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return new TextFault(TextProblem.UnpairedSurrogate, offset, codePoint);
            }

            if (ProblemWith(codePoint, kind) is { } problem)
            {
                return new TextFault(problem, offset, codePoint);
            }

            last = offset;
        }

        if (kind == TextKind.SingleLine && value.Length > 0)
        {
            // Refused rather than trimmed: a client that sends " EX1" should learn that it does, not
            // find later that it was stored as something other than what it sent.
            if (char.IsWhiteSpace(value[0]))
            {
                return new TextFault(TextProblem.EdgeWhitespace, 0, value[0]);
            }

            if (char.IsWhiteSpace(value[^1]))
            {
                return new TextFault(TextProblem.EdgeWhitespace, last, value[^1]);
            }
        }

        return null;
    }

    /// <summary>What the 400 says about <paramref name="field"/> (its camelCase path).</summary>
    public static string Describe(string field, TextFault fault, TextKind kind, int maxLength = SingleLineMaxLength)
    {
        var at = $"U+{fault.CodePoint:X4} at code point {fault.Offset.ToString(CultureInfo.InvariantCulture)}";
        return fault.Problem switch
        {
            TextProblem.ControlCharacter when kind == TextKind.Long =>
                $"'{field}' holds the control character {at}: a text may hold tab, line feed and carriage return, and no other control character.",
            TextProblem.ControlCharacter =>
                $"'{field}' holds the control character {at}: it is a single line of text, without control characters (tab and line breaks included).",
            TextProblem.LineSeparator => $"'{field}' holds the line separator {at}: it is a single line of text.",
            TextProblem.BidiControl =>
                $"'{field}' holds the bidirectional formatting character {at}: these may reorder what a single-line field shows, and are allowed in long texts only.",
            TextProblem.UnpairedSurrogate => $"'{field}' holds an unpaired surrogate, {at}: it is not valid Unicode text.",
            TextProblem.Noncharacter => $"'{field}' holds the Unicode noncharacter {at}, which is not for interchange.",
            TextProblem.EdgeWhitespace => $"'{field}' must not begin or end with whitespace ({at}).",
            _ => $"'{field}' must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters long.",
        };
    }

    private static TextProblem? ProblemWith(int codePoint, TextKind kind) => codePoint switch
    {
        '\t' or '\n' or '\r' when kind == TextKind.Long => null,
        < 0x20 or (>= 0x7F and <= 0x9F) => TextProblem.ControlCharacter,
        >= 0xFDD0 and <= 0xFDEF => TextProblem.Noncharacter,
        _ when (codePoint & 0xFFFE) == 0xFFFE => TextProblem.Noncharacter,
        _ when kind == TextKind.Long => null,
        0x2028 or 0x2029 => TextProblem.LineSeparator,
        (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) => TextProblem.BidiControl,
        _ => null,
    };
}
