using Fieldwork.Api.Problems;

namespace Fieldwork.Tests.Problems;

/// <summary>The character policy as a pure function: what each kind of field refuses, and where it says the fault is.</summary>
public sealed class TextPolicyTests
{
    [Theory]
    [InlineData("\u0000", 0)]
    [InlineData("ab\u0001", 2)]
    [InlineData("a\u001Fb", 1)]
    [InlineData("a\u007F", 1)] // DEL
    [InlineData("a\u0080", 1)] // C1
    [InlineData("a\u0085", 1)] // NEL, a C1 line break
    [InlineData("a\u009F", 1)]
    [InlineData("a\tb", 1)]
    [InlineData("a\nb", 1)]
    [InlineData("a\rb", 1)]
    public void a_single_line_refuses_every_control_character(string value, int offset) =>
        Assert.Equal(new TextFault(TextProblem.ControlCharacter, offset, value[offset]), TextPolicy.Find(value, TextKind.SingleLine));

    [Theory]
    [InlineData("\u0000")]
    [InlineData("a\u0001")]
    [InlineData("a\u001B")] // ESC, as terminal colour codes carry it
    [InlineData("a\u007F")]
    [InlineData("a\u0085")]
    [InlineData("a\u009F")]
    public void a_long_text_refuses_control_characters_other_than_tab_and_line_ends(string value) =>
        Assert.Equal(TextProblem.ControlCharacter, TextPolicy.Find(value, TextKind.Long)?.Problem);

    [Fact]
    public void a_long_text_may_hold_tabs_and_line_ends() =>
        Assert.Null(TextPolicy.Find("Interviewer:\tHow did it go?\r\nRespondent: Well.\n", TextKind.Long));

    [Theory]
    [InlineData(TextKind.SingleLine)]
    [InlineData(TextKind.Long)]
    public void the_offset_counts_code_points_so_an_emoji_is_one(TextKind kind) =>
        Assert.Equal(new TextFault(TextProblem.ControlCharacter, 2, 0), TextPolicy.Find("\U0001F600a\u0000", kind));

    /// <summary>In MemberData, not InlineData: an attribute's strings are stored as UTF-8, which cannot hold a lone surrogate.</summary>
    public static TheoryData<string, int, int> Unpaired => new()
    {
        { "\uD800", 0, 0xD800 }, // a high surrogate alone
        { "ab\uDC00", 2, 0xDC00 }, // a low one alone
        { "a\uDC00\uD800", 1, 0xDC00 }, // a pair the wrong way round
        { "a\uD83D", 1, 0xD83D }, // half an emoji at the end
    };

    [Theory]
    [MemberData(nameof(Unpaired), DisableDiscoveryEnumeration = true)]
    public void an_unpaired_surrogate_is_refused_in_any_field(string value, int offset, int codePoint)
    {
        Assert.Equal(new TextFault(TextProblem.UnpairedSurrogate, offset, codePoint), TextPolicy.Find(value, TextKind.SingleLine));
        Assert.Equal(new TextFault(TextProblem.UnpairedSurrogate, offset, codePoint), TextPolicy.Find(value, TextKind.Long));
    }

    [Theory]
    [InlineData("\uFDD0", 0xFDD0)]
    [InlineData("\uFDEF", 0xFDEF)]
    [InlineData("\uFFFE", 0xFFFE)]
    [InlineData("\uFFFF", 0xFFFF)]
    [InlineData("\U0001FFFE", 0x1FFFE)]
    [InlineData("\U0010FFFF", 0x10FFFF)]
    public void a_noncharacter_is_refused_in_any_field(string value, int codePoint)
    {
        Assert.Equal(new TextFault(TextProblem.Noncharacter, 0, codePoint), TextPolicy.Find(value, TextKind.SingleLine));
        Assert.Equal(new TextFault(TextProblem.Noncharacter, 0, codePoint), TextPolicy.Find(value, TextKind.Long));
    }

    [Theory]
    [InlineData("\uFDCF")] // just before the noncharacter block
    [InlineData("\uFDF0")] // just after it
    [InlineData("\uFFFD")] // the replacement character is a character
    [InlineData("\U0001F600")]
    [InlineData("\uE000")] // private use
    [InlineData("Caf\u00E9 \u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627")] // Latin, Hebrew, Arabic
    [InlineData("a\u200Fb")] // a right-to-left mark: a mark, not a control that reorders
    [InlineData("a\u00A0b")] // a no-break space inside
    public void ordinary_text_of_any_script_passes_both_kinds(string value)
    {
        Assert.Null(TextPolicy.Find(value, TextKind.SingleLine));
        Assert.Null(TextPolicy.Find(value, TextKind.Long));
    }

    [Theory]
    [InlineData("a\u202Eb", 0x202E)] // RIGHT-TO-LEFT OVERRIDE
    [InlineData("a\u202Ab", 0x202A)]
    [InlineData("a\u2066b", 0x2066)] // LEFT-TO-RIGHT ISOLATE
    [InlineData("a\u2069b", 0x2069)]
    public void a_bidirectional_control_is_refused_in_a_single_line_and_allowed_in_a_long_text(string value, int codePoint)
    {
        Assert.Equal(new TextFault(TextProblem.BidiControl, 1, codePoint), TextPolicy.Find(value, TextKind.SingleLine));
        Assert.Null(TextPolicy.Find(value, TextKind.Long));
    }

    [Theory]
    [InlineData("a\u2028b")]
    [InlineData("a\u2029b")]
    public void a_line_separator_is_refused_in_a_single_line_and_allowed_in_a_long_text(string value)
    {
        Assert.Equal(TextProblem.LineSeparator, TextPolicy.Find(value, TextKind.SingleLine)?.Problem);
        Assert.Null(TextPolicy.Find(value, TextKind.Long));
    }

    [Theory]
    [InlineData(" EX1", 0)]
    [InlineData("EX1 ", 3)]
    [InlineData("\u00A0EX1", 0)]
    [InlineData("E\U0001F600\u3000", 2)]
    [InlineData(" ", 0)]
    public void a_single_line_may_not_begin_or_end_with_whitespace(string value, int offset)
    {
        Assert.Equal(TextProblem.EdgeWhitespace, TextPolicy.Find(value, TextKind.SingleLine)?.Problem);
        Assert.Equal(offset, TextPolicy.Find(value, TextKind.SingleLine)?.Offset);
        Assert.Null(TextPolicy.Find(value, TextKind.Long));
    }

    [Fact]
    public void a_single_line_has_a_default_maximum_and_a_long_text_none()
    {
        Assert.Null(TextPolicy.Find(new string('x', TextPolicy.SingleLineMaxLength), TextKind.SingleLine));
        Assert.Equal(TextProblem.TooLong, TextPolicy.Find(new string('x', TextPolicy.SingleLineMaxLength + 1), TextKind.SingleLine)?.Problem);
        Assert.Equal(TextProblem.TooLong, TextPolicy.Find("abcdef", TextKind.SingleLine, maxLength: 5)?.Problem);
        Assert.Null(TextPolicy.Find(new string('x', 1_000_000), TextKind.Long));
    }

    [Fact]
    public void the_message_names_the_field_the_character_and_where_it_is()
    {
        var fault = TextPolicy.Find("Line one\nline \u0000two", TextKind.Long)!.Value;
        var message = TextPolicy.Describe("transcript", fault, TextKind.Long);
        Assert.StartsWith("'transcript' ", message, StringComparison.Ordinal);
        Assert.Contains("U+0000 at code point 14", message, StringComparison.Ordinal);
        Assert.Contains("tab, line feed and carriage return", message, StringComparison.Ordinal);

        Assert.Contains("'consent.quote' must not begin or end with whitespace",
            TextPolicy.Describe("consent.quote", TextPolicy.Find("yes ", TextKind.SingleLine)!.Value, TextKind.SingleLine), StringComparison.Ordinal);
        Assert.Contains("U+202E at code point 1",
            TextPolicy.Describe("name", TextPolicy.Find("a\u202E", TextKind.SingleLine)!.Value, TextKind.SingleLine), StringComparison.Ordinal);
    }
}
