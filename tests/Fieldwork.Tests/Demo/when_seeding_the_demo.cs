using System.Net;
using Fieldwork.Api.Verbs;
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

    private static (int Seed, int Scale, string? Error) Read(string[] args)
    {
        var parsed = SeedVerb.Parse(args);
        return (parsed.Seed, parsed.Scale, parsed.Error);
    }
}
