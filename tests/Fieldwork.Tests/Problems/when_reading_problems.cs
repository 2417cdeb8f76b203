using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Problems;

/// <summary>
/// Every error in one shape: the RFC 9110 section of its status as <c>type</c>, and for every 400
/// an <c>errors</c> map keyed by the camelCase field (of the body or of the query) whose messages
/// say what a valid value looks like, in the API's words, never .NET's.
/// </summary>
public sealed class when_reading_problems(AppFixture app) : ApiTest(app)
{
    private static string Message(Reply reply, string field) => reply.Json["errors"]![field]![0]!.GetValue<string>();

    /// <summary>The 400's shape, and that nothing of .NET (type names, Wolverine's extensions) shows through.</summary>
    private static string Only(Reply reply, string field)
    {
        reply.ShouldBeProblem(HttpStatusCode.BadRequest, field);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", reply.Json["type"]!.GetValue<string>());
        Assert.Null(reply.Json["parameter"]);
        Assert.Null(reply.Json["lineNumber"]);
        Assert.DoesNotMatch(@"System\.|Fieldwork\.|Int32|Nullable|could not be converted|cannot be parsed", reply.Body);
        return Message(reply, field);
    }

    [Fact]
    public async Task every_status_has_the_type_of_its_rfc_section()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        var fieldworker = NewUser("fieldworker");
        await AddMember(evaluation, lead, fieldworker, "fieldworker");
        await EnrolSite(evaluation, lead, "EX1");

        var replies = new Dictionary<string, (Reply Reply, string Section)>
        {
            ["400 from a validator"] = (await Post("/api/evaluations", lead, new { name = "", startsOn = "2018-01-01" }), "15.5.1"),
            // Wolverine wrote these with https://httpstatuses.com/400.
            ["400 for a body that cannot be read"] = (await Post("/api/evaluations", lead, "{ nope"), "15.5.1"),
            ["400 for a value of the wrong type"] = (await Post("/api/evaluations", lead, new { name = "x", startsOn = 5 }), "15.5.1"),
            ["400 for a query value"] = (await Get($"{url}/sites?limit=abc", lead), "15.5.1"),
            ["401"] = (await Get(url, null), "15.5.2"),
            ["403"] = (await Get($"{url}/members", fieldworker), "15.5.4"),
            ["404"] = (await Get($"/api/evaluations/{Guid.NewGuid()}", lead), "15.5.5"),
            ["405"] = (await Send(HttpMethod.Put, url, lead, "{}"), "15.5.6"),
            ["409"] = (await Post($"{url}/sites", lead, new
            {
                code = "ex1",
                kind = "acute",
                programmeRole = "exemplar",
                caseDepth = "inDepth",
                enrolledOn = "2017-01-01",
            }), "15.5.10"),
            // ASP.NET has no default type for 413.
            ["413"] = (await Post("/api/evaluations", lead, $$"""{ "name": "{{new string('x', 17 * 1024 * 1024)}}" }"""), "15.5.14"),
            ["415"] = (await Send(HttpMethod.Post, "/api/evaluations", lead, "name=x", "application/x-www-form-urlencoded"), "15.5.16"),
        };

        foreach (var (name, (reply, section)) in replies)
        {
            Assert.True(reply.ContentType == "application/problem+json", $"{name}: {reply.ContentType} {reply.Body}");
            Assert.True(reply.Json["type"]?.GetValue<string>() == $"https://tools.ietf.org/html/rfc9110#section-{section}",
                $"{name}: {reply.Json["type"]} {reply.Body}");
            if (reply.Status == HttpStatusCode.BadRequest)
            {
                Assert.True(reply.Json["errors"] is JsonObject { Count: > 0 }, $"{name} has no errors: {reply.Body}");
            }
        }
    }

    [Fact]
    public async Task a_body_value_of_the_wrong_form_is_told_the_form()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";

        Assert.Contains("yyyy-MM-dd", Only(await Post("/api/evaluations", lead, """{ "name": "x", "startsOn": "2019-02-30" }"""), "startsOn"),
            StringComparison.Ordinal);
        Assert.Equal("'role' must be one of lead, fieldworker, analyst, auditor.",
            Only(await Post($"{url}/members", lead, """{ "userId": "someone", "role": "boss" }"""), "role"));
        Assert.Contains("GUID", Only(await Post("/api/evaluations", lead, """{ "id": "nope", "name": "x", "startsOn": "2019-01-01" }"""), "id"),
            StringComparison.Ordinal);
        Assert.Contains("integer", Only(await Post($"{url}/observations", lead, """{ "durationMinutes": 1.5 }"""), "durationMinutes"),
            StringComparison.Ordinal);
        Assert.Contains("integer", Only(await Post($"{url}/observations", lead, """{ "durationMinutes": 1e400 }"""), "durationMinutes"),
            StringComparison.Ordinal);
        Assert.Contains("true or false", Only(await Post($"{url}/participants/{Guid.NewGuid()}/withdrawal", lead, """{ "eraseTranscripts": "yes" }"""),
            "eraseTranscripts"), StringComparison.Ordinal);
        // An item of a list is named by its index.
        Assert.Contains("GUID", Only(await Post($"{url}/findings", lead, """{ "statement": "s", "siteIds": ["0f8fad5b-d9cb-469f-a165-70867728950e", "x"] }"""),
            "siteIds[1]"), StringComparison.Ordinal);
        // And a nested field by its path, with the enum's values as the API writes them.
        Assert.Contains("publicTask", Only(await Post($"{url}/participants", lead, """{ "pseudonym": "P", "consent": { "lawfulBasis": "PUBLIC-TASK" } }"""),
            "consent.lawfulBasis"), StringComparison.Ordinal);
        Assert.Equal("The body must be a JSON object.", Only(await Post("/api/evaluations", lead, "[1, 2]"), "body"));
        const string broken = """{ "name": "x", "startsOn": }""";
        Assert.Contains($"line 1, byte {broken.IndexOf('}', StringComparison.Ordinal) + 1}", Only(await Post("/api/evaluations", lead, broken), "body"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_field_given_twice_or_not_known_is_named_by_its_path()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        var before = await App.TableCountsAsync();

        Assert.Contains("more than once", Only(await Post("/api/evaluations", lead, """{ "name": "x", "startsOn": "2019-01-01", "name": "y" }"""), "name"),
            StringComparison.Ordinal);
        const string consent = """{ "takePart": true, "record": true, "quote": true, "quote": false, "archive": true, "lawfulBasis": "consent", "informationSheetVersion": "v1" }""";
        Only(await Post($"{url}/participants", lead, $$"""{ "pseudonym": "P-1", "role": "CIO", "consent": {{consent}} }"""), "consent.quote");
        Assert.Contains("takePart", Only(await Post($"{url}/participants", lead, """{ "pseudonym": "P-1", "consent": { "takepart2": true } }"""),
            "consent.takepart2"), StringComparison.Ordinal);
        // However long its name, an unknown field is an unknown field, not broken JSON.
        var longName = new string('f', 500);
        var reply = (await Post("/api/evaluations", lead, $$"""{ "name": "x", "startsOn": "2019-01-01", "{{longName}}": 1 }"""))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "body");
        Assert.Contains("is not a field of this request", reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(longName, reply.Body, StringComparison.Ordinal);
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task a_query_value_of_the_wrong_form_is_told_the_form_and_every_bad_one_is_named()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";

        // Wolverine stopped at the first and answered "cannot be parsed to the expected type System.Guid" under "parameter".
        var reply = await Get($"{url}/evidence?kind=foo&siteId=x&limit=1.5", lead);
        Assert.Equal("'kind' must be one of interview, observation, document.", Only(reply, "kind"));
        Assert.Contains("GUID", Message(reply, "siteId"), StringComparison.Ordinal);
        Assert.Contains("integer", Message(reply, "limit"), StringComparison.Ordinal);

        // An enum's number or two names joined were read as a value no item has.
        Only(await Get($"{url}/evidence?kind=7", lead), "kind");
        Only(await Get($"{url}/evidence?kind=interview,document", lead), "kind");
        Assert.Contains("draft, underReview, accepted, reported, retracted", Only(await Get($"{url}/findings?status=x", lead), "status"),
            StringComparison.Ordinal);
        Assert.Contains("true or false", Only(await Get($"{url}/codings?codeId={Guid.NewGuid()}&includeDescendants=yes", lead), "includeDescendants"),
            StringComparison.Ordinal);
        Assert.Contains("given 2 times", Only(await Get($"{url}/sites?limit=1&limit=2", lead), "limit"), StringComparison.Ordinal);
        (await Get($"{url}/evidence?kind=Interview", lead)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_query_parameter_the_route_does_not_take_is_refused()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);

        // A misspelt filter used to be ignored: the whole list came back as if it had been applied.
        var message = Only(await Get($"/api/evaluations/{evaluation}/evidence?limt=5", lead), "limt");
        Assert.Contains("asOf, includeVoided, kind, knownAt, limit, offset, pairingId, siteId, waveId", message, StringComparison.Ordinal);
        Assert.Contains("takes none", Only(await Get($"/api/evaluations/{evaluation}/waves?limit=5", lead), "limit"), StringComparison.Ordinal);
        (await Post($"/api/evaluations?dryRun=true", lead, new { name = "x", startsOn = "2019-01-01" })).ShouldBeProblem(HttpStatusCode.BadRequest, "dryRun");
    }
}
