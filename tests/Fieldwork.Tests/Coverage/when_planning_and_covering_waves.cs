using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fieldwork.Coverage;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Coverage;

/// <summary>
/// A lead plans what each wave should cover per site; coverage counts what was done against
/// that plan at any cut: items as of their field dates, as known at an instant (late-logged
/// items, voids and corrections only from when they were recorded), the plan as it was then.
/// </summary>
public sealed class when_planning_and_covering_waves(AppFixture app) : ApiTest(app)
{
    private sealed record Study(string Lead, Guid Evaluation, Guid First, Guid Second, Guid SiteA, Guid SiteB, Guid Participant)
    {
        public string Url => $"/api/evaluations/{Evaluation}";

        public string Plan(Guid wave) => $"{Url}/waves/{wave}/plan";
    }

    private async Task<Study> SetUp()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        async Task<Guid> Wave(string name, string startsOn, string endsOn) =>
            (await Post($"{url}/waves", lead, new { name, startsOn, endsOn })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var first = await Wave("First half of 2018", "2018-01-01", "2018-06-30");
        var second = await Wave("Second half of 2018", "2018-07-01", "2018-12-31");
        var siteA = await EnrolSite(evaluation, lead, "A-SITE");
        var siteB = await EnrolSite(evaluation, lead, "B-SITE", "follower");
        var participant = (await Post($"{url}/participants", lead, new
        {
            pseudonym = "P-001",
            role = "CCIO",
            siteId = siteA,
            consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        return new Study(lead, evaluation, first, second, siteA, siteB, participant);
    }

    private Task<Reply> Put(string url, string? user, object body) =>
        Send(HttpMethod.Put, url, user, body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    private async Task<Guid> Observe(Study s, string occurredOn, Guid? waveId, int minutes, params Guid[] sites) =>
        (await Post($"{s.Url}/observations", s.Lead, new { occurredOn, waveId, siteIds = sites, setting = "meeting", durationMinutes = minutes }))
        .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

    private async Task<string> LastRecordedAt(Guid stream) =>
        Uri.EscapeDataString((await App.EventsOfStreamAsync(stream))[^1].Timestamp.ToString("O"));

    private static JsonNode Row(JsonNode coverage, Guid wave, Guid site) =>
        coverage["waves"]!.AsArray().Single(w => w!["waveId"]!.GetValue<Guid>() == wave)!["sites"]!.AsArray()
            .Single(r => r!["siteId"]!.GetValue<Guid>() == site)!;

    private static string Status(JsonNode coverage, Guid wave, Guid site) => Row(coverage, wave, site)["status"]!.GetValue<string>();

    private static int Done(JsonNode coverage, Guid wave, Guid site, string what) => Row(coverage, wave, site)["done"]![what]!.GetValue<int>();

    [Fact]
    public async Task a_plan_is_set_replaced_and_read_back_as_it_was_known_then()
    {
        var s = await SetUp();
        var empty = (await Get(s.Plan(s.First), s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(0, empty["version"]!.GetValue<int>());
        Assert.Empty(empty["sites"]!.AsArray());

        var set = (await Put(s.Plan(s.First), s.Lead, new { sites = new object[] { new { siteId = s.SiteA, interviews = 2, documents = 1 } } }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, set["version"]!.GetValue<int>());
        Assert.Equal(s.First, set["waveId"]!.GetValue<Guid>());
        Assert.Equal(s.Lead, set["setBy"]!.GetValue<string>());
        var row = set["sites"]!.AsArray().Single()!;
        Assert.Equal("A-SITE", row["siteCode"]!.GetValue<string>());
        Assert.Equal(2, row["interviews"]!.GetValue<int>());
        Assert.Null(row["visits"]);
        Assert.Equal(set.ToJsonString(), (await Get(s.Plan(s.First), s.Lead)).ShouldBe(HttpStatusCode.OK).Json.ToJsonString());

        // The same plan again is no change: no event, the same version.
        var events = await App.EventCountAsync();
        Assert.Equal(1, (await Put(s.Plan(s.First), s.Lead, new { sites = new object[] { new { siteId = s.SiteA, documents = 1, interviews = 2 } } }))
            .ShouldBe(HttpStatusCode.OK).Json["version"]!.GetValue<int>());
        Assert.Equal(events, await App.EventCountAsync());

        var planStream = WavePlanTimeline.StreamId(s.Evaluation, s.First);
        var firstKnown = await LastRecordedAt(planStream);
        var replaced = (await Put(s.Plan(s.First), s.Lead, new
        {
            sites = new object[] { new { siteId = s.SiteB, visits = 1 }, new { siteId = s.SiteA, interviews = 3 } },
        })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, replaced["version"]!.GetValue<int>());
        Assert.Equal([s.SiteB, s.SiteA], replaced["sites"]!.AsArray().Select(x => x!["siteId"]!.GetValue<Guid>()));
        Assert.Null(replaced["sites"]![1]!["documents"]);

        // As known before the replacement: the first plan; before any plan: none.
        var then = (await Get($"{s.Plan(s.First)}?knownAt={firstKnown}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, then["version"]!.GetValue<int>());
        Assert.Equal(2, then["sites"]![0]!["interviews"]!.GetValue<int>());
        var firstEvent = (await App.EventsOfStreamAsync(planStream))[0].Timestamp;
        var before = Uri.EscapeDataString(firstEvent.AddTicks(-10).ToString("O"));
        Assert.Equal(0, (await Get($"{s.Plan(s.First)}?knownAt={before}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json["version"]!.GetValue<int>());

        // Coverage measures against the plan known then.
        var coverageThen = (await Get($"{s.Url}/coverage?waveId={s.First}&knownAt={firstKnown}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, coverageThen["waves"]![0]!["planVersion"]!.GetValue<int>());
        Assert.Equal("notPlanned", Status(coverageThen, s.First, s.SiteB));
        Assert.Equal(2, Row(coverageThen, s.First, s.SiteA)["planned"]!["interviews"]!.GetValue<int>());
        var coverageNow = (await Get($"{s.Url}/coverage?waveId={s.First}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, coverageNow["waves"]![0]!["planVersion"]!.GetValue<int>());
        Assert.Equal("notStarted", Status(coverageNow, s.First, s.SiteB));

        // A wave not yet defined at knownAt is not found then.
        var evaluationCreated = (await App.EventsOfStreamAsync(s.Evaluation))[0].Timestamp;
        var beforeWaves = Uri.EscapeDataString(evaluationCreated.ToString("O"));
        (await Get($"{s.Plan(s.First)}?knownAt={beforeWaves}", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{s.Url}/coverage?waveId={s.First}&knownAt={beforeWaves}", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Empty((await Get($"{s.Url}/coverage?knownAt={beforeWaves}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json["waves"]!.AsArray());

        // An empty plan plans no site, as a new version.
        var cleared = (await Put(s.Plan(s.First), s.Lead, new { sites = Array.Empty<object>() })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(3, cleared["version"]!.GetValue<int>());
        Assert.Empty(cleared["sites"]!.AsArray());
    }

    [Fact]
    public async Task coverage_counts_what_was_done_by_a_date_as_known_at_an_instant()
    {
        var s = await SetUp();
        (await Put(s.Plan(s.First), s.Lead, new
        {
            sites = new object[]
            {
                new { siteId = s.SiteA, interviews = 1, observations = 2, documents = 1 },
                new { siteId = s.SiteB, observations = 2 },
            },
        })).ShouldBe(HttpStatusCode.OK);

        var nothing = (await Get($"{s.Url}/coverage", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, nothing["waves"]!.AsArray().Count);
        Assert.Equal("notStarted", Status(nothing, s.First, s.SiteA));
        Assert.Equal("notPlanned", Status(nothing, s.Second, s.SiteA));
        Assert.Equal(0, nothing["waves"]![1]!["planVersion"]!.GetValue<int>());

        await Observe(s, "2018-02-01", s.First, 60, s.SiteA);
        var withoutWave = await Observe(s, "2018-03-01", null, 30, s.SiteA); // counts for the wave holding its date
        (await Post($"{s.Url}/documents", s.Lead, new
        {
            capturedOn = "2018-04-01",
            waveId = s.First,
            title = "Board paper",
            issuer = "Trust board",
            documentType = "boardPaper",
            siteIds = new[] { s.SiteA },
        })).ShouldBe(HttpStatusCode.Created);
        (await Post($"{s.Url}/interviews", s.Lead, new
        {
            occurredOn = "2018-05-01",
            waveId = s.First,
            siteIds = new[] { s.SiteA, s.SiteB },
            participantIds = new[] { s.Participant },
            format = "oneToOne",
            mode = "phone",
            durationMinutes = 45,
        })).ShouldBe(HttpStatusCode.Created);
        var outside = await Observe(s, "2019-02-01", null, 20, s.SiteA); // in no wave: counts nowhere

        var now = (await Get($"{s.Url}/coverage", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("met", Status(now, s.First, s.SiteA));
        Assert.Equal(2, Done(now, s.First, s.SiteA, "observations"));
        Assert.Equal(90, Done(now, s.First, s.SiteA, "observedMinutes"));
        Assert.Equal(1, Done(now, s.First, s.SiteA, "documents"));
        Assert.Equal(1, Done(now, s.First, s.SiteA, "interviews"));
        Assert.Equal(0, Done(now, s.First, s.SiteA, "visits"));
        Assert.Null(Row(now, s.First, s.SiteA)["lastVisitedOn"]);
        Assert.Equal("inProgress", Status(now, s.First, s.SiteB));
        Assert.Equal(0, Done(now, s.Second, s.SiteA, "observations"));
        var summary = now["waves"]![0]!["summary"]!;
        Assert.Equal(2, summary["planned"]!.GetValue<int>());
        Assert.Equal(1, summary["met"]!.GetValue<int>());
        Assert.Equal(1, summary["inProgress"]!.GetValue<int>());

        // As of a date: only what had happened by then.
        var march = (await Get($"{s.Url}/coverage?waveId={s.First}&asOf=2018-03-15", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2018-03-15", march["asOf"]!.GetValue<string>());
        Assert.Single(march["waves"]!.AsArray());
        Assert.Equal(2, Done(march, s.First, s.SiteA, "observations"));
        Assert.Equal(0, Done(march, s.First, s.SiteA, "interviews"));
        Assert.Equal("inProgress", Status(march, s.First, s.SiteA));
        Assert.Equal("notStarted", Status(march, s.First, s.SiteB));
        Assert.Equal("notStarted", Status((await Get($"{s.Url}/coverage?asOf=2018-01-15", s.Lead)).Json, s.First, s.SiteA));

        // Voided: gone from the void on; known before it, still there.
        var beforeVoid = await LastRecordedAt(outside);
        (await Post($"{s.Url}/evidence/{withoutWave}/void", s.Lead, new { reason = "Logged twice" })).ShouldBe(HttpStatusCode.OK);
        var voided = (await Get($"{s.Url}/coverage", s.Lead)).Json;
        Assert.Equal(1, Done(voided, s.First, s.SiteA, "observations"));
        Assert.Equal(60, Done(voided, s.First, s.SiteA, "observedMinutes"));
        Assert.Equal("inProgress", Status(voided, s.First, s.SiteA));
        var knownBeforeVoid = (await Get($"{s.Url}/coverage?knownAt={beforeVoid}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("met", Status(knownBeforeVoid, s.First, s.SiteA));
        Assert.Equal(2, Done(knownBeforeVoid, s.First, s.SiteA, "observations"));

        // Logged late: an observation of February recorded only now counts as known from now.
        var beforeLate = beforeVoid;
        var late = await Observe(s, "2018-02-10", s.First, 15, s.SiteB);
        Assert.Equal(1, Done((await Get($"{s.Url}/coverage?asOf=2018-02-28", s.Lead)).Json, s.First, s.SiteB, "observations"));
        Assert.Equal(0, Done((await Get($"{s.Url}/coverage?asOf=2018-02-28&knownAt={beforeLate}", s.Lead)).Json, s.First, s.SiteB, "observations"));

        // A correction moves an item to another wave, from when it was recorded.
        var moved = await Observe(s, "2018-08-01", s.Second, 40, s.SiteB);
        var beforeCorrection = await LastRecordedAt(moved);
        Assert.Equal(1, Done((await Get($"{s.Url}/coverage", s.Lead)).Json, s.Second, s.SiteB, "observations"));
        (await Post($"{s.Url}/evidence/{moved}/corrections", s.Lead, new { occurredOn = "2018-06-15", waveId = s.First }))
            .ShouldBe(HttpStatusCode.OK);
        var corrected = (await Get($"{s.Url}/coverage", s.Lead)).Json;
        Assert.Equal(0, Done(corrected, s.Second, s.SiteB, "observations"));
        Assert.Equal(2, Done(corrected, s.First, s.SiteB, "observations"));
        Assert.Equal("met", Status(corrected, s.First, s.SiteB));
        var uncorrected = (await Get($"{s.Url}/coverage?knownAt={beforeCorrection}", s.Lead)).Json;
        Assert.Equal(1, Done(uncorrected, s.Second, s.SiteB, "observations"));
        Assert.Equal("inProgress", Status(uncorrected, s.First, s.SiteB));
        Assert.NotEqual(Guid.Empty, late);
    }

    [Fact]
    public async Task bad_requests_are_refused_with_a_problem_and_write_nothing()
    {
        var s = await SetUp();
        var fieldworker = NewUser("fieldworker");
        var auditor = NewUser("auditor");
        await AddMember(s.Evaluation, s.Lead, fieldworker, "fieldworker");
        await AddMember(s.Evaluation, s.Lead, auditor, "auditor");
        var other = await CreateEvaluation(s.Lead, "Other evaluation");
        var foreignSite = await EnrolSite(other, s.Lead, "FOREIGN");
        object Plan(params object[] sites) => new { sites };

        var events = await App.EventCountAsync();
        (await Put($"{s.Url}/waves/{Guid.NewGuid()}/plan", s.Lead, Plan(new { siteId = s.SiteA, interviews = 1 }))).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Put($"/api/evaluations/{other}/waves/{s.First}/plan", s.Lead, Plan(new { siteId = foreignSite, interviews = 1 })))
            .ShouldBeProblem(HttpStatusCode.NotFound);
        (await Put(s.Plan(s.First), s.Lead, Plan(new { siteId = foreignSite, interviews = 1 })))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "sites[0].siteId");
        (await Put(s.Plan(s.First), s.Lead, Plan(new { siteId = s.SiteA, interviews = 1 }, new { siteId = s.SiteA, documents = 1 })))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "sites[1].siteId");
        (await Put(s.Plan(s.First), s.Lead, Plan(new { siteId = s.SiteA, interviews = -1 }))).ShouldBeProblem(HttpStatusCode.BadRequest, "sites[0].interviews");
        (await Put(s.Plan(s.First), s.Lead, Plan(new { siteId = s.SiteA, visits = 10_001 }))).ShouldBeProblem(HttpStatusCode.BadRequest, "sites[0].visits");
        (await Put(s.Plan(s.First), s.Lead, Plan(new { siteId = s.SiteA }, new { siteId = Guid.NewGuid(), documents = 1 })))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "sites[0]", "sites[1].siteId");
        (await Put(s.Plan(s.First), s.Lead, Plan(new { interviews = 1 }))).ShouldBeProblem(HttpStatusCode.BadRequest, "sites[0].siteId");
        (await Put(s.Plan(s.First), s.Lead, new { })).ShouldBeProblem(HttpStatusCode.BadRequest, "sites");
        (await Put(s.Plan(s.First), s.Lead, "{\"sites\": [{\"siteId\": \"" + s.SiteA + "\", \"interviews\": 1.5}]}")).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Put(s.Plan(s.First), fieldworker, Plan(new { siteId = s.SiteA, interviews = 1 }))).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Put(s.Plan(s.First), auditor, Plan(new { siteId = s.SiteA, interviews = 1 }))).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Put(s.Plan(s.First), NewUser("stranger"), Plan(new { siteId = s.SiteA, interviews = 1 }))).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Put(s.Plan(s.First), null, Plan(new { siteId = s.SiteA, interviews = 1 }))).ShouldBeProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(events, await App.EventCountAsync());

        (await Get($"{s.Url}/waves/{Guid.NewGuid()}/plan", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{s.Plan(s.First)}?knownAt=yesterday", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "knownAt");
        (await Get($"{s.Plan(s.First)}?asOf=2018-01-01", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Get($"{s.Url}/coverage?waveId={Guid.NewGuid()}", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{s.Url}/coverage?waveId=first", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Get($"{s.Url}/coverage?asOf=2018-02-30", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "asOf");
        (await Get($"{s.Url}/coverage?asOf=31/01/2018&knownAt=soon", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "asOf", "knownAt");
        (await Get($"{s.Url}/coverage", NewUser("stranger"))).ShouldBeProblem(HttpStatusCode.NotFound);

        // Every member reads plans and coverage.
        (await Get($"{s.Url}/coverage", fieldworker)).ShouldBe(HttpStatusCode.OK);
        (await Get($"{s.Url}/coverage", auditor)).ShouldBe(HttpStatusCode.OK);
        (await Get(s.Plan(s.First), auditor)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(events, await App.EventCountAsync());
    }
}
