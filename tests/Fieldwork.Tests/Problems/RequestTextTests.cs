using System.Text.Json;
using Fieldwork.Api.Hosting;
using Fieldwork.Api.Problems;
using Fieldwork.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Problems;

/// <summary>The walk that applies the character policy to a whole body: every string, at its JSON path, by its kind.</summary>
public sealed class RequestTextTests
{
    public sealed record Note(string? Title, [property: LongText] string? Text);

    public sealed record Parcel(string? Name, Note? Cover, List<Note>? Items, List<string>? Tags, [property: LongText] List<string>? Pages, Guid? Id)
    {
        /// <summary>Written in answers, never read from a request: not the client's to get right.</summary>
        public string Echo => "\u0000";
    }

    private static readonly JsonSerializerOptions Options = Api();

    /// <summary>No validator sets a maximum, so every single line has the policy's default.</summary>
    private static readonly IServiceProvider NoValidators = new ServiceCollection().BuildServiceProvider();

    private static JsonSerializerOptions Api()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonDefaults.Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static Dictionary<string, List<string>> Check(object body)
    {
        var errors = new Dictionary<string, List<string>>();
        RequestText.Check(body, Options, NoValidators, errors);
        return errors;
    }

    [Fact]
    public void a_clean_body_has_no_errors() =>
        Assert.Empty(Check(new Parcel("Box", new Note("Cover", "Line one\nline two"), [new Note("A", "\ttab")], ["x"], ["page\n"], Guid.NewGuid())));

    [Fact]
    public void every_string_is_checked_under_its_json_path()
    {
        var errors = Check(new Parcel(
            "Box\u0000",
            new Note("Cover", "a\u0001"),
            [new Note("ok", null), new Note("ok", "fine"), new Note("Bad\nTitle", "fine\n")],
            ["fine", " padded"],
            ["ok", "\u0000"],
            null));

        Assert.Equal(new[] { "cover.text", "items[2].title", "name", "pages[1]", "tags[1]" }, errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("U+0000 at code point 3", errors["name"].Single(), StringComparison.Ordinal);
        Assert.Contains("'items[2].title'", errors["items[2].title"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void long_text_is_known_by_its_attribute_and_lets_line_ends_through()
    {
        // The same line break: refused in a title (a single line), accepted in the text ([LongText]).
        var errors = Check(new Note("Two\nlines", "Two\nlines"));
        Assert.Equal(["title"], errors.Keys);
    }

    [Fact]
    public void a_property_the_client_cannot_send_is_not_checked() =>
        Assert.Empty(Check(new Parcel("Box", null, null, null, null, null)));
}
