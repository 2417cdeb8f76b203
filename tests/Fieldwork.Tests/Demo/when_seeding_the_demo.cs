using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Api.Verbs;
using Fieldwork.Coverage;
using Fieldwork.Demo;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Demo;

public sealed class when_seeding_the_demo(AppFixture app) : ApiTest(app)
{
    [Theory]
    [InlineData(7, false)]
    [InlineData(9, true)]
    public async Task the_demo_is_a_living_evaluation_seeded_once(int seedNumber, bool bulk)
    {
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        var keys = App.Host.Services.GetRequiredService<Fieldwork.Secrets.KeyRing>();
        Func<Task<DemoEvaluation.Summary>> seed = bulk
            ? () => DemoEvaluation.SeedBulkAsync(store, keys, seedNumber, "Bulk demo for tests")
            : () => DemoEvaluation.SeedAsync(store, keys, seedNumber, "Demo for tests");
        var first = await seed();
        var again = await seed();
        Assert.True(again.AlreadyThere);
        Assert.Equal(first.EvaluationId, again.EvaluationId);
        Assert.Equal(DemoEvaluation.EvaluationId(seedNumber), first.EvaluationId);
        Assert.Contains("already there", SeedVerb.Describe(again));

        var url = $"/api/evaluations/{first.EvaluationId}";
        var overview = (await Get(url, "demo-lead")).ShouldBe(HttpStatusCode.OK).Json;
        var counts = overview["counts"]!;
        Assert.Equal(450, counts["interviews"]!.GetValue<int>());
        Assert.InRange(counts["observations"]!.GetValue<int>(), 150, 170);
        Assert.InRange(counts["documents"]!.GetValue<int>(), 300, 340);
        Assert.InRange(counts["codings"]!.GetValue<int>(), 18_000, 24_000);
        (await Get(url, "demo-auditor")).ShouldBe(HttpStatusCode.OK);

        // The study as it stood: pairings in mid-2018, and as only what had been recorded by then.
        var early = (await Get($"{url}/state?asOf=2018-06-30", "demo-lead")).ShouldBe(HttpStatusCode.OK).Json;
        var late = (await Get($"{url}/state?asOf=2020-06-30", "demo-lead")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(40, early["sites"]!.AsArray().Count);
        Assert.Contains(early["pairings"]!.AsArray(), p => p!["status"]!.GetValue<string>() == "dissolved");
        Assert.Contains(late["pairings"]!.AsArray(), p => p!["flow"]!.GetValue<string>() == "twoWay");
        // Nothing pairs sites before both are enrolled: every pairing of the state names sites of the state.
        foreach (var asOf in new[] { "2017-03-31", "2017-06-30", "2018-06-30" })
        {
            var state = (await Get($"{url}/state?asOf={asOf}", "demo-lead")).ShouldBe(HttpStatusCode.OK).Json;
            var enrolled = state["sites"]!.AsArray().Select(x => x!["id"]!.GetValue<Guid>()).ToHashSet();
            Assert.All(state["pairings"]!.AsArray(), p => Assert.Subset(enrolled,
                new HashSet<Guid> { p!["exemplarSiteId"]!.GetValue<Guid>(), p["followerSiteId"]!.GetValue<Guid>() }));
        }
        // Events carry the times they would have been recorded (knownAt replays of the demo depend on it).
        var audit = $"{url}/audit?limit=1";
        Assert.True((await Get($"{audit}&to=2016-12-31", "demo-auditor")).Json["total"]!.GetValue<int>() > 0);
        Assert.Equal(0, (await Get($"{audit}&from=2022-01-01", "demo-auditor")).Json["total"]!.GetValue<int>());

        var codebook = (await Get($"{url}/codebook", "demo-lead")).Json["codes"]!.AsArray();
        Assert.Equal(["Macro-environment", "Organisation", "People", "Technology"], codebook.Select(c => c!["name"]!.GetValue<string>()));
        var findings = (await Get($"{url}/findings", "demo-analyst")).Json;
        Assert.Equal(8, findings["total"]!.GetValue<int>());
        var finding = findings["items"]![0]!["id"]!.GetValue<Guid>();
        var provenance = (await Get($"{url}/findings/{finding}/provenance", "demo-auditor")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(12, provenance["evidence"]!.AsArray().Count);
        Assert.All(provenance["evidence"]!.AsArray(), l => Assert.NotNull(l!["coding"]!["quote"]));
        var agreement = (await Get($"{url}/agreement?coderIds=demo-analyst,demo-analyst-2,demo-analyst-3", "demo-analyst")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.InRange(agreement["krippendorffAlpha"]!.GetValue<double>(), 0.3, 0.95);
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(9, true)]
    public async Task the_demo_goes_to_the_field_in_visits_against_wave_plans(int seedNumber, bool bulk)
    {
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        var keys = App.Host.Services.GetRequiredService<Fieldwork.Secrets.KeyRing>();
        var seeded = bulk
            ? await DemoEvaluation.SeedBulkAsync(store, keys, seedNumber, "Bulk demo for tests")
            : await DemoEvaluation.SeedAsync(store, keys, seedNumber, "Demo for tests");
        var url = $"/api/evaluations/{seeded.EvaluationId}";
        var waves = (await Get(url, "demo-lead")).ShouldBe(HttpStatusCode.OK).Json["waves"]!.AsArray()
            .Select(w => (Id: w!["id"]!.GetValue<Guid>(), StartsOn: DateOnly.Parse(w["startsOn"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                EndsOn: DateOnly.Parse(w["endsOn"]!.GetValue<string>(), CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(3, waves.Count);

        // Visits: a day or two, in a wave, by one or two of the demo's fieldworkers, written down
        // shortly after and synced days later (loggedAt before the record time).
        var visits = (await Get($"{url}/visits?limit=500", "demo-lead")).ShouldBe(HttpStatusCode.OK).Json["items"]!.AsArray()
            .Select(v => v!).ToDictionary(v => v["id"]!.GetValue<Guid>());
        Assert.InRange(visits.Count, 60, 140);
        foreach (var visit in visits.Values)
        {
            var (startsOn, endsOn) = (Date(visit["startsOn"]), Date(visit["endsOn"]));
            Assert.InRange(endsOn.DayNumber - startsOn.DayNumber, 0, 1);
            var wave = waves.Single(w => w.Id == visit["waveId"]!.GetValue<Guid>());
            Assert.True(wave.StartsOn <= startsOn && endsOn <= wave.EndsOn);
            var fieldworkers = visit["fieldworkerIds"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
            Assert.InRange(fieldworkers.Count, 1, 2);
            Assert.All(fieldworkers, f => Assert.StartsWith("demo-fieldworker", f, StringComparison.Ordinal));
            Assert.Subset(DemoEvaluation.Members.ToHashSet(), fieldworkers.ToHashSet());
            var (loggedAt, recordedAt) = (visit["loggedAt"]!.GetValue<DateTimeOffset>(), visit["recordedAt"]!.GetValue<DateTimeOffset>());
            Assert.True(loggedAt >= endsOn.ToDateTime(TimeOnly.MinValue) && loggedAt < recordedAt, $"{visit}");
            Assert.True(visit["itemCount"]!.GetValue<int>() > 0);
        }

        // Most evidence is a visit's, each item within its visit's days, sites and wave; the rest was captured remotely.
        var evidence = new List<JsonNode>();
        var total = int.MaxValue;
        while (evidence.Count < total)
        {
            var page = (await Get($"{url}/evidence?limit=500&offset={evidence.Count}", "demo-lead")).ShouldBe(HttpStatusCode.OK).Json;
            total = page["total"]!.GetValue<int>();
            evidence.AddRange(page["items"]!.AsArray().Select(e => e!));
        }

        Assert.InRange(evidence.Count, 900, 960);
        var inVisits = evidence.Where(e => e["visitId"] is not null).ToList();
        Assert.InRange(inVisits.Count, evidence.Count * 8 / 10, evidence.Count);
        Assert.All(evidence.Except(inVisits), e => Assert.Equal("document", e["kind"]!.GetValue<string>()));
        foreach (var item in inVisits)
        {
            var visit = visits[item["visitId"]!.GetValue<Guid>()];
            var on = Date(item["occurredOn"] ?? item["capturedOn"]);
            Assert.InRange(on, Date(visit["startsOn"]), Date(visit["endsOn"]));
            Assert.Subset(visit["siteIds"]!.AsArray().Select(s => s!.GetValue<Guid>()).ToHashSet(),
                item["siteIds"]!.AsArray().Select(s => s!.GetValue<Guid>()).ToHashSet());
            Assert.Equal(visit["waveId"]!.GetValue<Guid>(), item["waveId"]!.GetValue<Guid>());
            Assert.Equal(visit["loggedAt"]!.GetValue<DateTimeOffset>(), item["loggedAt"]!.GetValue<DateTimeOffset>());
        }

        // In-depth sites are visited in every wave, broader ones once or twice over the evaluation.
        var sites = (await Get($"{url}/state", "demo-lead")).ShouldBe(HttpStatusCode.OK).Json["sites"]!.AsArray().Select(s => s!).ToList();
        var inDepth = sites.Where(s => s["caseDepth"]!.GetValue<string>() == "inDepth").ToList();
        var broader = sites.Where(s => s["caseDepth"]!.GetValue<string>() == "broader").ToList();
        Assert.Equal(12, inDepth.Count);
        Assert.Equal(24, broader.Count);
        Assert.All(inDepth, site => Assert.All(waves, wave => Assert.Contains(visits.Values, v =>
            v["waveId"]!.GetValue<Guid>() == wave.Id && v["siteIds"]!.AsArray().Any(s => s!.GetValue<Guid>() == site["id"]!.GetValue<Guid>()))));
        Assert.All(broader, site => Assert.InRange(site["visits"]!.GetValue<int>(), 1, 2));

        // Every wave has a plan for every in-depth site, set by the lead before the wave starts and revised at most once.
        // (Its versions are read from the store: other demos seeded into the test database make knownAt replays approximate.)
        await using var query = store.QuerySession();
        var plans = await query.Query<WavePlanTimeline>().Where(p => p.EvaluationId == seeded.EvaluationId).ToListAsync();
        foreach (var wave in waves)
        {
            var versions = plans.Single(p => p.WaveId == wave.Id).Records;
            Assert.InRange(versions.Count, 1, 2);
            Assert.True(versions[0].SetAt < wave.StartsOn.ToDateTime(TimeOnly.MinValue));
            Assert.All(versions, v => Assert.Equal("demo-lead", v.SetBy));
            var plan = (await Get($"{url}/waves/{wave.Id}/plan", "demo-analyst")).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Equal(versions.Count, plan["version"]!.GetValue<int>());
            Assert.Subset(plan["sites"]!.AsArray().Select(p => p!["siteId"]!.GetValue<Guid>()).ToHashSet(),
                inDepth.Select(d => d["id"]!.GetValue<Guid>()).ToHashSet());
        }

        // At the end of wave 2 some sites had met their plan and some had not.
        var coverage = (await Get($"{url}/coverage?waveId={waves[1].Id}&asOf={waves[1].EndsOn:yyyy-MM-dd}", "demo-analyst")).ShouldBe(HttpStatusCode.OK)
            .Json["waves"]![0]!["sites"]!.AsArray().Select(s => s!).ToList();
        var statuses = coverage.Select(s => s["status"]!.GetValue<string>()).ToList();
        Assert.Contains("met", statuses);
        Assert.Contains(coverage, s => s["planned"] is not null && s["status"]!.GetValue<string>() is "notStarted" or "inProgress");
        Assert.Contains(coverage, s => inDepth.Any(d => d["id"]!.GetValue<Guid>() == s["siteId"]!.GetValue<Guid>())
            && s["status"]!.GetValue<string>() == "inProgress");
    }

    [Fact]
    public async Task a_scale_evaluation_of_size_two_has_twice_the_demos_evidence_and_codings()
    {
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        var keys = App.Host.Services.GetRequiredService<Fieldwork.Secrets.KeyRing>();
        var one = DemoEvaluation.Preview(11);
        Assert.Equal((450, 159, 321), (one.Interviews, one.Observations, one.Documents));

        var two = await DemoEvaluation.SeedBulkAsync(store, keys, 11, "Size 2 for tests", size: 2);

        Assert.Equal((2 * one.Interviews, 2 * one.Observations, 2 * one.Documents), (two.Interviews, two.Observations, two.Documents));
        Assert.InRange(two.Codings, one.Codings * 18 / 10, one.Codings * 22 / 10);
        // The same sites and waves, and the store holds what the summary says.
        var url = $"/api/evaluations/{two.EvaluationId}";
        var counts = (await Get(url, "demo-lead")).ShouldBe(HttpStatusCode.OK).Json["counts"]!;
        Assert.Equal((two.Interviews, two.Observations, two.Documents, two.Codings),
            (counts["interviews"]!.GetValue<int>(), counts["observations"]!.GetValue<int>(), counts["documents"]!.GetValue<int>(), counts["codings"]!.GetValue<int>()));
        Assert.Equal(40, (await Get($"{url}/state", "demo-lead")).Json["sites"]!.AsArray().Count);
        Assert.Equal(3, (await Get(url, "demo-lead")).Json["waves"]!.AsArray().Count);
    }

    private static DateOnly Date(JsonNode? node) => DateOnly.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture);
}

public sealed class SeedArgumentsTests
{
    [Fact]
    public void the_seed_verb_reads_its_seed_and_scale_and_refuses_nonsense()
    {
        Assert.Equal((2018, 0, null), Read(["seed"]));
        Assert.Equal((7, 10, null), Read(["seed", "--seed", "7", "--scale", "10"]));
        Assert.NotNull(Read(["seed", "--scale"]).Error);
        Assert.NotNull(Read(["seed", "--scale", "zero"]).Error);
        Assert.NotNull(Read(["seed", "--seed", "0"]).Error);
        Assert.Equal(["--environment", "Production"], SeedVerb.Parse(["seed", "--environment", "Production"]).Rest);
    }

    [Fact]
    public void the_seed_verb_reads_a_size_for_its_scale_evaluations_and_refuses_nonsense()
    {
        Assert.Equal(1, SeedVerb.Parse(["seed", "--scale", "3"]).Size);
        var sized = SeedVerb.Parse(["seed", "--scale", "3", "--size", "4"]);
        Assert.Equal((3, 4, null), (sized.Scale, sized.Size, sized.Error));
        Assert.Equal(4, SeedVerb.Parse(["seed", "--size", "4", "--scale", "3"]).Size);
        Assert.NotNull(SeedVerb.Parse(["seed", "--scale", "3", "--size"]).Error);
        Assert.NotNull(SeedVerb.Parse(["seed", "--scale", "3", "--size", "0"]).Error);
        Assert.NotNull(SeedVerb.Parse(["seed", "--scale", "3", "--size", "-2"]).Error);
        Assert.NotNull(SeedVerb.Parse(["seed", "--scale", "3", "--size", "twice"]).Error);
        Assert.Contains("--scale", SeedVerb.Parse(["seed", "--size", "2"]).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_verb_refuses_a_size_it_cannot_read_with_its_usage()
    {
        var errors = new StringWriter();
        Assert.Equal(2, await SeedVerb.RunAsync(["seed", "--scale", "1", "--size", "none"], TextWriter.Null, errors));
        Assert.StartsWith($"usage: {SeedVerb.Usage}: --size", errors.ToString(), StringComparison.Ordinal);
    }

    private static (int Seed, int Scale, string? Error) Read(string[] args)
    {
        var parsed = SeedVerb.Parse(args);
        return (parsed.Seed, parsed.Scale, parsed.Error);
    }
}
