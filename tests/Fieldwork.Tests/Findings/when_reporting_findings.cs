using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Findings;

public sealed class when_reporting_findings(AppFixture app) : ApiTest(app)
{
    /// <summary>An evaluation with one site, a wave, two participants (one who will not be quoted), an interview with both and a code.</summary>
    private sealed record Study(string Lead, Guid Evaluation, Guid Site, Guid Wave, Guid Interview, Guid Code)
    {
        public string Url => $"/api/evaluations/{Evaluation}";
    }

    private async Task<Study> SetUp(bool quoteAllowed = false)
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var url = $"/api/evaluations/{evaluation}";
        var wave = (await Post($"{url}/waves", lead, new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        async Task<Guid> Participant(string pseudonym, bool quote) =>
            (await Post($"{url}/participants", lead, new
            {
                pseudonym,
                role = "CCIO",
                siteId = site,
                consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
            })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var open = await Participant("P-OPEN", true);
        var shy = await Participant("P-SHY", quoteAllowed);
        var interview = (await Post($"{url}/interviews", lead, new
        {
            occurredOn = "2018-03-05",
            waveId = wave,
            siteIds = new[] { site },
            participantIds = new[] { open, shy },
            format = "group",
            mode = "inPerson",
            durationMinutes = 60,
            transcript = "We rebuilt the order sets twice before the clinicians trusted them.",
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var code = (await Post($"{url}/codebook/codes", lead, new { name = "Trust", definition = "Clinicians' trust in the system" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        return new Study(lead, evaluation, site, wave, interview, code);
    }

    private async Task<Guid> Code(Study s, int start = 0, int end = 20) =>
        (await Post($"{s.Url}/evidence/{s.Interview}/codings", s.Lead, new { codeId = s.Code, textVersion = 1, start, end }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

    private async Task<Guid> Draft(Study s, string statement = "Clinical trust follows visible rework.") =>
        (await Post($"{s.Url}/findings", s.Lead, new { statement, siteIds = new[] { s.Site }, waveIds = new[] { s.Wave } }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

    private async Task<JsonNode> Status(Study s, Guid finding, int expectedVersion, string status, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var reply = await Post($"{s.Url}/findings/{finding}/status", s.Lead, new { expectedVersion, status, note = $"to {status}" });
        return expected == HttpStatusCode.OK ? reply.ShouldBe(HttpStatusCode.OK).Json : reply.ShouldBeProblem(expected).Json;
    }

    [Fact]
    public async Task a_finding_is_drafted_revised_and_replayed_and_bad_scope_is_a_400()
    {
        var s = await SetUp();
        var id = await Draft(s);
        var url = $"{s.Url}/findings/{id}";
        var drafted = (await Get(url, s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("draft", drafted["status"]!.GetValue<string>());
        Assert.Equal(1, drafted["version"]!.GetValue<int>());
        Assert.Equal(s.Lead, drafted["draftedBy"]!.GetValue<string>());
        var then = Uri.EscapeDataString((await App.EventsOfStreamAsync(id))[0].Timestamp.ToString("O"));

        var revised = (await Post($"{url}/revisions", s.Lead, new { expectedVersion = 1, statement = "Trust follows rework that clinicians can see." }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, revised["version"]!.GetValue<int>());
        Assert.Equal(["drafted", "revised"], revised["history"]!.AsArray().Select(h => h!["change"]!.GetValue<string>()));
        (await Post($"{url}/revisions", s.Lead, new { expectedVersion = 1, statement = "stale" })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("Clinical trust follows visible rework.", (await Get($"{url}?knownAt={then}", s.Lead)).Json["statement"]!.GetValue<string>());
        Assert.Equal(1, (await Get($"{s.Url}/findings?siteId={s.Site}", s.Lead)).Json["total"]!.GetValue<int>());

        var before = await App.EventCountAsync();
        (await Post($"{s.Url}/findings", s.Lead, new { statement = "x", siteIds = new[] { Guid.NewGuid() }, pairingIds = new[] { Guid.NewGuid() } }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "siteIds[0]", "pairingIds[0]");
        (await Post($"{s.Url}/findings", s.Lead, new { statement = "" })).ShouldBeProblem(HttpStatusCode.BadRequest, "statement");
        (await Post($"{url}/revisions", s.Lead, new { statement = "no version" })).ShouldBeProblem(HttpStatusCode.BadRequest, "expectedVersion");
        (await Post($"{s.Url}/findings/{Guid.NewGuid()}/revisions", s.Lead, new { expectedVersion = 1, statement = "x" }))
            .ShouldBeProblem(HttpStatusCode.NotFound);
        var fieldworker = NewUser("fieldworker");
        await AddMember(s.Evaluation, s.Lead, fieldworker, "fieldworker");
        before = await App.EventCountAsync();
        (await Post($"{s.Url}/findings", fieldworker, new { statement = "mine" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.Equal(before, await App.EventCountAsync());
        (await Get(url, fieldworker)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task two_analysts_editing_one_finding_get_a_409_never_a_lost_update()
    {
        var s = await SetUp();
        var id = await Draft(s);
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Post($"{s.Url}/findings/{id}/revisions", s.Lead, new { expectedVersion = 1, statement = $"Version by writer {i}" })));
        Assert.Equal(1, replies.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(5, replies.Count(r => r.Status == HttpStatusCode.Conflict));
        var winner = replies.Single(r => r.Status == HttpStatusCode.OK).Json["statement"]!.GetValue<string>();
        var read = (await Get($"{s.Url}/findings/{id}", s.Lead)).Json;
        Assert.Equal(winner, read["statement"]!.GetValue<string>());
        Assert.Equal(2, read["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task codings_and_memos_are_linked_and_unlinked_and_only_live_ones_count()
    {
        var s = await SetUp();
        var id = await Draft(s);
        var url = $"{s.Url}/findings/{id}";
        var coding = await Code(s);
        var removed = await Code(s, 5, 9);
        (await Delete($"{s.Url}/evidence/{s.Interview}/codings/{removed}", s.Lead)).ShouldBe(HttpStatusCode.NoContent);
        var memo = (await Post($"{s.Url}/memos", s.Lead, new { aboutKind = "finding", aboutId = id, text = "Check against wave 2." }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        var before = await App.EventCountAsync();
        (await Post($"{url}/evidence", s.Lead, new { expectedVersion = 1, stance = "supporting", codingIds = new[] { coding, removed, Guid.NewGuid() } }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "codingIds[1]", "codingIds[2]");
        (await Post($"{url}/evidence", s.Lead, new { expectedVersion = 1, stance = "sideways", codingIds = new[] { coding } }))
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Post($"{url}/evidence", s.Lead, new { expectedVersion = 1, stance = "supporting" })).ShouldBeProblem(HttpStatusCode.BadRequest, "codingIds");
        Assert.Equal(before, await App.EventCountAsync());

        var linked = (await Post($"{url}/evidence", s.Lead, new { expectedVersion = 1, stance = "supporting", codingIds = new[] { coding } }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, linked["version"]!.GetValue<int>());
        linked = (await Post($"{url}/evidence", s.Lead, new { expectedVersion = 2, stance = "contrary", memoIds = new[] { memo } }))
            .ShouldBe(HttpStatusCode.OK).Json;
        var evidence = linked["evidence"]!.AsArray();
        Assert.Equal([("coding", "supporting"), ("memo", "contrary")],
            evidence.Select(e => (e!["kind"]!.GetValue<string>(), e["stance"]!.GetValue<string>())));

        (await Delete($"{url}/evidence/{memo}", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "expectedVersion");
        (await Delete($"{url}/evidence/{memo}?expectedVersion=2", s.Lead)).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Delete($"{url}/evidence/{Guid.NewGuid()}?expectedVersion=3", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        var unlinked = (await Delete($"{url}/evidence/{memo}?expectedVersion=3", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Single(unlinked["evidence"]!.AsArray());
        Assert.Equal(4, unlinked["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task a_reported_finding_can_only_be_retracted()
    {
        var s = await SetUp(quoteAllowed: true);
        var id = await Draft(s);
        await Status(s, id, 1, "reported", HttpStatusCode.Conflict);
        await Status(s, id, 1, "draft", HttpStatusCode.Conflict);
        await Status(s, id, 1, "underReview");
        await Status(s, id, 2, "accepted");
        var reported = await Status(s, id, 3, "reported");
        Assert.Equal("reported", reported["status"]!.GetValue<string>());
        Assert.Equal("to reported", reported["history"]!.AsArray()[^1]!["note"]!.GetValue<string>());

        (await Post($"{s.Url}/findings/{id}/revisions", s.Lead, new { expectedVersion = 4, statement = "late edit" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{s.Url}/findings/{id}/evidence", s.Lead, new { expectedVersion = 4, stance = "supporting", codingIds = new[] { await Code(s) } }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        await Status(s, id, 4, "accepted", HttpStatusCode.Conflict);
        await Status(s, id, 4, "retracted");
        await Status(s, id, 5, "draft", HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task a_finding_quoting_a_participant_who_did_not_consent_to_quotes_cannot_be_reported()
    {
        var s = await SetUp(quoteAllowed: false);
        var id = await Draft(s);
        var url = $"{s.Url}/findings/{id}";
        var supporting = await Code(s);
        var contrary = await Code(s, 30, 50);
        (await Post($"{url}/evidence", s.Lead, new { expectedVersion = 1, stance = "supporting", codingIds = new[] { supporting } })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/evidence", s.Lead, new { expectedVersion = 2, stance = "contrary", codingIds = new[] { contrary } })).ShouldBe(HttpStatusCode.OK);
        await Status(s, id, 3, "accepted");

        var refused = await Status(s, id, 4, "reported", HttpStatusCode.Conflict);
        Assert.Contains("P-SHY", refused["detail"]!.GetValue<string>());
        Assert.DoesNotContain("P-OPEN", refused["detail"]!.GetValue<string>());
        Assert.Equal("accepted", (await Get(url, s.Lead)).Json["status"]!.GetValue<string>());

        // A contrary coding quotes nobody in the finding's support: only the supporting one blocks.
        (await Delete($"{url}/evidence/{supporting}?expectedVersion=4", s.Lead)).ShouldBe(HttpStatusCode.OK);
        await Status(s, id, 5, "reported");
    }
}
