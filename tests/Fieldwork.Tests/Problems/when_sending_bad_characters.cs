using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Problems;

/// <summary>
/// The character policy through the API: every text of every request, refused with a 400 that
/// names the field (by its path) and says where, before anything is written.
/// </summary>
public sealed class when_sending_bad_characters(AppFixture app) : ApiTest(app)
{
    private sealed record Study(string Lead, Guid Evaluation, Guid Site)
    {
        public string Url => $"/api/evaluations/{Evaluation}";
    }

    private async Task<Study> SetUp()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        return new Study(lead, evaluation, await EnrolSite(evaluation, lead, "EX1"));
    }

    private static object Observation(Study s, string fieldNotes) =>
        new { occurredOn = "2018-03-05", siteIds = new[] { s.Site }, setting = "meeting", durationMinutes = 30, fieldNotes };

    /// <summary>The first (only) message for <paramref name="field"/>.</summary>
    private static string Message(Reply reply, string field) => reply.Json["errors"]![field]![0]!.GetValue<string>();

    [Fact]
    public async Task a_nul_in_a_name_is_a_400_for_the_field_not_a_500_and_writes_nothing()
    {
        var s = await SetUp();
        var before = await App.TableCountsAsync();

        // PostgreSQL's jsonb cannot store U+0000: these were 500s, after the write had begun.
        var evaluation = (await Post("/api/evaluations", s.Lead, """{"name":"\u0000","startsOn":"2016-09-01"}"""))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        Assert.Contains("U+0000 at code point 0", Message(evaluation, "name"), StringComparison.Ordinal);
        (await Post($"{s.Url}/codebook/codes", s.Lead, """{"name":"Work\u0000arounds","definition":"Ways round the system."}"""))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");

        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task a_control_character_in_a_long_text_is_refused_saying_where_it_is()
    {
        var s = await SetUp();
        var before = await App.TableCountsAsync();
        var reply = (await Post($"{s.Url}/observations", s.Lead, Observation(s, "Line one\nline \u0000two")))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "fieldNotes");
        Assert.Contains("U+0000 at code point 14", Message(reply, "fieldNotes"), StringComparison.Ordinal);
        (await Post($"{s.Url}/observations", s.Lead, Observation(s, "Colour codes: \u001B[31mred")))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "fieldNotes");
        (await Post($"{s.Url}/observations", s.Lead, Observation(s, "Mis-decoded \u0092quote\u0092")))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "fieldNotes");
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task tabs_and_line_ends_are_kept_in_a_long_text_and_refused_in_a_single_line()
    {
        var s = await SetUp();
        var id = (await Post($"{s.Url}/observations", s.Lead, Observation(s, "Agenda:\n\t1. Go-live\n\t2. Safety case")))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var text = (await Get($"{s.Url}/evidence/{id}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json["texts"]![0]!["text"]!.GetValue<string>();
        Assert.Equal("Agenda:\n\t1. Go-live\n\t2. Safety case", text);

        var before = await App.TableCountsAsync();
        (await Post($"{s.Url}/sites/{s.Site}/attributes", s.Lead, new { effectiveOn = "2018-01-01", cohort = "Acute\tGDE" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "cohort");
        (await Post($"{s.Url}/sites/{s.Site}/withdrawal", s.Lead, new { effectiveOn = "2018-01-01", reason = "Left the\nprogramme" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "reason");
        (await Post($"{s.Url}/waves", s.Lead, new { name = "Wave\u20281", startsOn = "2018-01-01", endsOn = "2018-06-30" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task a_single_line_that_begins_or_ends_with_whitespace_is_refused_not_trimmed()
    {
        var s = await SetUp();
        var before = await App.TableCountsAsync();
        var reply = (await Post($"{s.Url}/waves", s.Lead, new { name = "Wave 1 ", startsOn = "2018-01-01", endsOn = "2018-06-30" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        Assert.Contains("must not begin or end with whitespace", Message(reply, "name"), StringComparison.Ordinal);
        (await Post($"{s.Url}/codebook/codes", s.Lead, new { name = "\u00A0Workarounds", definition = "Ways round the system." }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task a_nested_field_is_named_by_its_path_and_every_bad_field_is_named_at_once()
    {
        var s = await SetUp();
        var before = await App.TableCountsAsync();
        var reply = (await Post($"{s.Url}/participants", s.Lead, new
        {
            pseudonym = "P\u0007-01",
            role = "CCIO",
            siteId = s.Site,
            consent = new { takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1\u0000" },
            personal = new { name = " Alex Example", email = "alex@trust.example" },
        })).ShouldBeProblem(HttpStatusCode.BadRequest, "pseudonym", "consent.informationSheetVersion", "personal.name");
        Assert.StartsWith("'consent.informationSheetVersion' holds the control character U+0000", Message(reply, "consent.informationSheetVersion"),
            StringComparison.Ordinal);
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task a_bidi_override_is_refused_in_a_name_and_kept_in_a_memo()
    {
        var s = await SetUp();
        // U+202E shows what follows it reversed: in a list of names it can make one look like another.
        (await Post($"{s.Url}/waves", s.Lead, new { name = "Wave \u202E1 evaW", startsOn = "2018-01-01", endsOn = "2018-06-30" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");

        // In free text it is what a quote in a right-to-left script may need.
        const string memo = "The CIO quoted the sign: \u202Eשלום\u202C, as written.";
        var id = (await Post($"{s.Url}/memos", s.Lead, new { aboutKind = "site", aboutId = s.Site, text = memo }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        Assert.Equal(memo, (await Get($"{s.Url}/memos/{id}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task unpaired_surrogates_and_noncharacters_are_refused_in_any_field()
    {
        var s = await SetUp();
        var before = await App.TableCountsAsync();
        var high = (await Post("/api/evaluations", s.Lead, """{"name":"Bad \ud800 name","startsOn":"2016-09-01"}"""))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        Assert.Contains("unpaired surrogate", Message(high, "name"), StringComparison.Ordinal);
        (await Post("/api/evaluations", s.Lead, """{"name":"x","startsOn":"2016-09-01","description":"\udc00 low first"}"""))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "description");

        var nonchar = (await Post($"{s.Url}/observations", s.Lead, """{"occurredOn":"2018-03-05","siteIds":["SITE"],"setting":"meeting","durationMinutes":30,"fieldNotes":"ab\uffff"}"""
                .Replace("SITE", s.Site.ToString(), StringComparison.Ordinal)))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "fieldNotes");
        Assert.Contains("noncharacter U+FFFF at code point 2", Message(nonchar, "fieldNotes"), StringComparison.Ordinal);
        (await Post($"{s.Url}/codebook/codes", s.Lead, new { name = "Code \uFDD0", definition = "d" })).ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task a_query_string_value_is_a_single_line_with_the_default_maximum()
    {
        var s = await SetUp();
        var reply = (await Get($"{s.Url}/codings?coderId={new string('x', 2001)}", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "coderId");
        Assert.Contains("at most 2000 characters", Message(reply, "coderId"), StringComparison.Ordinal);
        (await Get($"{s.Url}/codings?coderId={new string('x', 2000)}", s.Lead)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task the_openapi_document_says_what_each_text_field_of_a_request_is()
    {
        var schemas = (await Get("/openapi/v1.json", null)).ShouldBe(HttpStatusCode.OK).Json["components"]!["schemas"]!.AsObject();
        JsonNode Field(string schema, string field) => schemas[schema]!["properties"]![field]!;

        Assert.Equal("singleLine", Field("CreateEvaluation", "name")["x-text"]!.GetValue<string>());
        Assert.Equal(200, Field("CreateEvaluation", "name")["maxLength"]!.GetValue<int>());
        Assert.Equal("long", Field("CreateEvaluation", "description")["x-text"]!.GetValue<string>());
        Assert.Equal(4000, Field("CreateEvaluation", "description")["maxLength"]!.GetValue<int>());
        Assert.Equal("long", Field("LogInterview", "transcript")["x-text"]!.GetValue<string>());
        Assert.Null(Field("LogInterview", "transcript")["maxLength"]); // bounded by the 5 MB of a text version
        Assert.Equal(40, Field("EnrolSite", "code")["maxLength"]!.GetValue<int>());
        Assert.Equal(200, Field("PersonalInput", "name")["maxLength"]!.GetValue<int>());

        // Every string field of every request body is one or the other; answers are not marked.
        var requests = (await Get("/openapi/v1.json", null)).Json["paths"]!.AsObject()
            .SelectMany(p => new[] { "post", "put" }.Select(m => p.Value?[m]?["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>()))
            .OfType<string>().Select(r => r.Split('/')[^1]).ToHashSet();
        foreach (var name in requests)
        {
            foreach (var (field, schema) in schemas[name]!["properties"]?.AsObject() ?? [])
            {
                var type = schema!["type"]?.ToJsonString() ?? "";
                if (type.Contains("\"string\"", StringComparison.Ordinal) && schema["format"] is null && schema["enum"] is null)
                {
                    Assert.True(schema["x-text"] is not null, $"{name}.{field} says nothing of its text");
                }
            }
        }

        Assert.Null(schemas["EvaluationView"]?["properties"]?["name"]?["x-text"]);
    }

    [Fact]
    public async Task a_nul_in_a_query_string_is_a_400_not_a_500()
    {
        var s = await SetUp();
        // The audit filter went to PostgreSQL as a parameter: "invalid byte sequence for encoding UTF8: 0x00".
        var reply = (await Get($"{s.Url}/audit?userId=%00", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "userId");
        Assert.Contains("U+0000", Message(reply, "userId"), StringComparison.Ordinal);
        (await Get($"{s.Url}/memos?authorId=a%0Ab", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "authorId");
        (await Get($"{s.Url}/audit?userId={s.Lead}", s.Lead)).ShouldBe(HttpStatusCode.OK);
    }
}
