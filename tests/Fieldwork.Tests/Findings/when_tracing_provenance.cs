using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;
using Json.Schema;

namespace Fieldwork.Tests.Findings;

public sealed class when_tracing_provenance(AppFixture app) : ApiTest(app)
{
    private const string FirstText = "The exemplar's order sets saved us months of build work, honestly.";
    private const string SecondText = "The exemplar's order sets saved us months of build work.";

    private sealed record Chain(string Lead, string Url, Guid Finding, Guid Interview, Guid Merged, Guid Retired, Guid Removed, Guid Memo,
        Guid Exemplar, Guid Pairing, Guid Wave, Guid Target);

    /// <summary>
    /// A finding resting on: a coding of a code later revised and merged, on a text version later
    /// superseded; a coding of a code later retired; a coding later deleted; a memo. The interview
    /// was corrected after logging and one of its two participants has since withdrawn.
    /// </summary>
    private async Task<Chain> SeedAsync()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        var exemplar = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF1", "follower", "2016-09-01");
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-01-01");
        var wave = (await Post($"{url}/waves", lead, new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        async Task<Guid> Participant(string pseudonym) =>
            (await Post($"{url}/participants", lead, new
            {
                pseudonym,
                role = "CCIO",
                siteId = exemplar,
                consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
            })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var staying = await Participant("P-STAY");
        var leaving = await Participant("P-LEAVE");
        var interview = (await Post($"{url}/interviews", lead, new
        {
            occurredOn = "2018-03-05",
            waveId = wave,
            siteIds = new[] { exemplar, follower },
            pairingId = pairing,
            participantIds = new[] { staying, leaving },
            format = "group",
            mode = "video",
            durationMinutes = 50,
            transcript = FirstText,
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        async Task<Guid> Code(string name) =>
            (await Post($"{url}/codebook/codes", lead, new { name, definition = $"{name}, as first defined" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        async Task<Guid> Apply(Guid code, int version, int start, int end) =>
            (await Post($"{url}/evidence/{interview}/codings", lead, new { codeId = code, textVersion = version, start, end }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        var reuse = await Code("Template reuse");
        var target = await Code("Learning from exemplars");
        var effort = await Code("Build effort");
        var merged = await Apply(reuse, 1, 4, 29);
        (await Post($"{url}/evidence/{interview}/texts", lead, new { expectedVersion = 1, text = SecondText })).ShouldBe(HttpStatusCode.OK);
        var retired = await Apply(effort, 2, 30, 56);
        var removed = await Apply(target, 2, 0, 3);

        var finding = (await Post($"{url}/findings", lead, new { statement = "Followers reuse exemplar templates.", siteIds = new[] { follower } }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var memo = (await Post($"{url}/memos", lead, new { aboutKind = "finding", aboutId = finding, text = "Ask the follower's CCIO in wave 2." }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Post($"{url}/findings/{finding}/evidence", lead, new { expectedVersion = 1, stance = "supporting", codingIds = new[] { merged, retired } }))
            .ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/findings/{finding}/evidence", lead, new { expectedVersion = 2, stance = "contrary", codingIds = new[] { removed }, memoIds = new[] { memo } }))
            .ShouldBe(HttpStatusCode.OK);

        // What happened after the finding was built on them.
        (await Post($"{url}/codebook/codes/{reuse}/revisions", lead, new { expectedVersion = 1, definition = "Redefined later" })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/codebook/codes/{reuse}/merge", lead, new { intoCodeId = target })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/codebook/codes/{effort}/retirement", lead, new { reason = "Folded into workload" })).ShouldBe(HttpStatusCode.OK);
        (await Delete($"{url}/evidence/{interview}/codings/{removed}", lead)).ShouldBe(HttpStatusCode.NoContent);
        (await Post($"{url}/evidence/{interview}/corrections", lead, new { durationMinutes = 55 })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/participants/{leaving}/consent", lead, new
        {
            effectiveOn = "2019-01-01",
            takePart = false,
            record = false,
            quote = false,
            archive = false,
            lawfulBasis = "publicTask",
            informationSheetVersion = "v1",
        })).ShouldBe(HttpStatusCode.OK);
        return new Chain(lead, url, finding, interview, merged, retired, removed, memo, exemplar, pairing, wave, target);
    }

    private static JsonNode Link(JsonNode tree, Guid item) =>
        tree["evidence"]!.AsArray().Single(l => l!["itemId"]!.GetValue<Guid>() == item)!;

    private static IEnumerable<string> Flags(JsonNode link) => link["flags"]!.AsArray().Select(f => f!["kind"]!.GetValue<string>());

    [Fact]
    public async Task the_tree_reaches_from_the_finding_to_consent_and_flags_what_no_longer_holds()
    {
        var c = await SeedAsync();
        var tree = (await Get($"{c.Url}/findings/{c.Finding}/provenance", c.Lead)).ShouldBe(HttpStatusCode.OK).Json;

        var versions = tree["finding"]!["versions"]!.AsArray();
        Assert.Equal(["drafted", "evidenceLinked", "evidenceLinked"], versions.Select(v => v!["change"]!.GetValue<string>()));
        Assert.All(versions, v => Assert.Equal(c.Lead, v!["by"]!.GetValue<string>()));

        var merged = Link(tree, c.Merged);
        var coding = merged["coding"]!;
        Assert.Equal("supporting", merged["stance"]!.GetValue<string>());
        Assert.Equal(c.Lead, coding["coderId"]!.GetValue<string>());
        Assert.Equal(FirstText[4..29], coding["quote"]!.GetValue<string>());
        Assert.Equal("Template reuse", coding["code"]!["name"]!.GetValue<string>());
        Assert.Equal("Template reuse, as first defined", coding["code"]!["definition"]!.GetValue<string>());
        Assert.Equal("merged", coding["code"]!["statusNow"]!.GetValue<string>());
        Assert.Equal(c.Target, coding["code"]!["mergedIntoNow"]!.GetValue<Guid>());
        var text = coding["text"]!;
        Assert.Equal(1, text["version"]!.GetValue<int>());
        Assert.Null(text["sha256"]);
        Assert.Matches("^[0-9a-f]{64}$", text["hmacSha256"]!.GetValue<string>());
        Assert.True(text["superseded"]!.GetValue<bool>());
        var evidence = coding["evidence"]!;
        Assert.Equal("interview", evidence["kind"]!.GetValue<string>());
        Assert.Equal("2018-03-05", evidence["on"]!.GetValue<string>());
        Assert.Equal(c.Lead, evidence["loggedBy"]!.GetValue<string>());
        Assert.Equal(["durationMinutes"], evidence["corrections"]![0]!["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(["GDE1", "FF1"], evidence["sites"]!.AsArray().Select(s => s!["code"]!.GetValue<string>()));
        Assert.Equal(c.Pairing, evidence["pairing"]!["id"]!.GetValue<Guid>());
        Assert.Equal("Wave 1", evidence["wave"]!["name"]!.GetValue<string>());
        var people = evidence["participants"]!.AsArray();
        Assert.Equal(["P-STAY", "P-LEAVE"], people.Select(p => p!["pseudonym"]!.GetValue<string>()));
        Assert.All(people, p => Assert.True(p!["quoteConsented"]!.GetValue<bool>()));
        Assert.Equal([false, true], people.Select(p => p!["withdrawnNow"]!.GetValue<bool>()));
        Assert.DoesNotContain("name", people[0]!.AsObject().Select(x => x.Key));
        Assert.Equal(["codeMerged", "textSuperseded", "participantWithdrew"], Flags(merged));

        var retired = Link(tree, c.Retired);
        Assert.Equal(SecondText[30..56], retired["coding"]!["quote"]!.GetValue<string>());
        Assert.Equal(["codeRetired", "participantWithdrew"], Flags(retired));
        var removed = Link(tree, c.Removed);
        Assert.Equal("contrary", removed["stance"]!.GetValue<string>());
        Assert.True(removed["coding"]!["removed"]!.GetValue<bool>());
        Assert.Contains("codingRemoved", Flags(removed));
        Assert.Equal("Ask the follower's CCIO in wave 2.", Link(tree, c.Memo)["memo"]!["text"]!.GetValue<string>());
        Assert.True(tree["flagCount"]!.GetValue<int>() >= 6);

        var fieldworker = NewUser("fieldworker");
        var auditor = NewUser("auditor");
        var evaluation = Guid.Parse(c.Url.Split('/')[^1]);
        await AddMember(evaluation, c.Lead, fieldworker, "fieldworker");
        await AddMember(evaluation, c.Lead, auditor, "auditor");
        (await Get($"{c.Url}/findings/{c.Finding}/provenance", fieldworker)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get($"{c.Url}/findings/{c.Finding}/provenance", auditor)).ShouldBe(HttpStatusCode.OK);
        (await Get($"{c.Url}/findings/{Guid.NewGuid()}/provenance", auditor)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{c.Url}/findings/{c.Finding}/provenance?format=xml", auditor)).ShouldBeProblem(HttpStatusCode.BadRequest, "format");
    }

    [Fact]
    public async Task the_prov_json_export_validates_against_the_published_schema()
    {
        var c = await SeedAsync();
        var reply = (await Get($"{c.Url}/findings/{c.Finding}/provenance?format=prov-json", c.Lead)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("application/prov+json", reply.ContentType);
        var prov = reply.Json;

        var schema = JsonSchema.FromText(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Data", "prov", "prov-json-schema.draft7.json")));
        using var document = JsonDocument.Parse(reply.Body);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.True(result.IsValid, JsonSerializer.Serialize(result.Details?.Where(d => !d.IsValid).Take(5)));

        // The check itself bites: a usage without its entity is rejected.
        var broken = JsonNode.Parse(reply.Body)!;
        broken["used"]!.AsObject().First().Value!.AsObject().Remove("prov:entity");
        using var brokenDocument = JsonDocument.Parse(broken.ToJsonString());
        Assert.False(schema.Evaluate(brokenDocument.RootElement, new EvaluationOptions { RequireFormatValidation = true }).IsValid);

        var entities = prov["entity"]!.AsObject();
        Assert.Contains($"fw:coding-{c.Merged}", entities.Select(e => e.Key));
        Assert.Contains($"fw:evidence-{c.Interview}", entities.Select(e => e.Key));
        Assert.Contains($"fw:text-{c.Interview}-v1", entities.Select(e => e.Key));
        Assert.Contains($"fw:finding-{c.Finding}-v3", entities.Select(e => e.Key));
        Assert.Contains($"fw:user-{c.Lead}", prov["agent"]!.AsObject().Select(a => a.Key));
        Assert.Contains(prov["activity"]!.AsObject(), a => a.Value!["prov:type"]!.GetValue<string>() == "fw:Logging");
        foreach (var relation in new[] { "used", "wasGeneratedBy", "wasDerivedFrom", "wasAttributedTo", "wasAssociatedWith", "wasInvalidatedBy" })
        {
            Assert.True(prov[relation] is JsonObject { Count: > 0 }, $"no {relation}");
        }
    }
}
