using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Timeline;

public sealed class when_reading_the_whole_evaluation(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task state_holds_every_site_and_pairing_as_it_stood()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var exemplar = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF1", "follower", "2017-09-01");
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");

        var early = (await Get($"/api/evaluations/{evaluation}/state?asOf=2017-06-30", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2017-06-30", early["asOf"]!.GetValue<string>());
        Assert.Single(early["sites"]!.AsArray());
        Assert.Empty(early["pairings"]!.AsArray());

        var later = (await Get($"/api/evaluations/{evaluation}/state?asOf=2018-06-30", lead)).Json;
        Assert.Equal(2, later["sites"]!.AsArray().Count);
        Assert.Equal(pairing, Assert.Single(later["pairings"]!.AsArray())!["id"]!.GetValue<Guid>());
        Assert.Null(later["knownAt"]);
    }

    [Fact]
    public async Task changes_list_only_what_differs_between_two_dates()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var exemplar = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF1", "follower", "2017-09-01");
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");
        var url = $"/api/evaluations/{evaluation}";
        (await Post($"{url}/pairings/{pairing}/establishment", lead, new { establishedOn = "2018-01-15" })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/pairings/{pairing}/exchanges", lead, new
        {
            occurredOn = "2019-03-01",
            direction = "followerToExemplar",
            channel = "informal",
            topic = "Order sets",
            evidenceIds = Array.Empty<Guid>(),
        })).ShouldBe(HttpStatusCode.Created);
        (await Post($"{url}/sites/{follower}/attributes", lead, new { effectiveOn = "2019-04-01", eprSystem = "Epic" })).ShouldBe(HttpStatusCode.OK);

        var changes = (await Get($"{url}/changes?from=2018-06-30&to=2020-06-30", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2018-06-30", changes["from"]!.GetValue<string>());
        var site = Assert.Single(changes["sites"]!.AsArray())!;
        Assert.Equal(follower, site["id"]!.GetValue<Guid>());
        var epr = Assert.Single(site["changes"]!.AsArray())!;
        Assert.Equal("eprSystem", epr["field"]!.GetValue<string>());
        Assert.Equal("Cerner", epr["before"]!.GetValue<string>());
        Assert.Equal("Epic", epr["after"]!.GetValue<string>());

        var pairingChanges = Assert.Single(changes["pairings"]!.AsArray())!["changes"]!.AsArray()
            .ToDictionary(c => c!["field"]!.GetValue<string>(), c => c);
        Assert.Equal(["exchanges.followerToExemplar", "exchanges.informal", "flow"], pairingChanges.Keys.Order());
        Assert.Equal("none", pairingChanges["flow"]!["before"]!.GetValue<string>());
        Assert.Equal("oneWay", pairingChanges["flow"]!["after"]!.GetValue<string>());

        // A pairing that did not exist at `from` appears with every field new.
        var appeared = (await Get($"{url}/changes?from=2017-01-01&to=2018-06-30", lead)).Json;
        var status = appeared["pairings"]![0]!["changes"]!.AsArray().Single(c => c!["field"]!.GetValue<string>() == "status")!;
        Assert.Null(status["before"]);
        Assert.Equal("established", status["after"]!.GetValue<string>());

        (await Get($"{url}/changes?from=2018-06-30", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "to");
        (await Get($"{url}/changes?from=june&to=2020-01-01", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "from");
        // Backwards, it used to answer every change with before and after swapped.
        var backwards = (await Get($"{url}/changes?from=2020-06-30&to=2018-06-30", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "to");
        Assert.Contains("'to' (2018-06-30) is before 'from' (2020-06-30)", backwards.Json["errors"]!["to"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        (await Get($"{url}/changes?from=2018-06-30T12:00:00Z&to=2018-06-30", lead)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task pairings_name_their_sites_and_counts_name_their_waves_so_answers_read_without_a_join()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        var exemplar = await EnrolSite(evaluation, lead, "GDE7", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF7", "follower", "2017-09-01");
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");
        var wave = (await Post($"{url}/waves", lead, new { name = "Wave 2", startsOn = "2019-01-01", endsOn = "2019-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Post($"{url}/observations", lead, new
        {
            occurredOn = "2019-03-05",
            waveId = wave,
            siteIds = new[] { exemplar, follower },
            pairingId = pairing,
            setting = "meeting",
            durationMinutes = 45,
        })).ShouldBe(HttpStatusCode.Created);

        void NamesBoth(JsonNode p)
        {
            Assert.Equal("GDE7", p["exemplarSiteCode"]!.GetValue<string>());
            Assert.Equal("FF7", p["followerSiteCode"]!.GetValue<string>());
        }

        var state = (await Get($"{url}/state?asOf=2019-06-30", lead)).ShouldBe(HttpStatusCode.OK).Json;
        NamesBoth(Assert.Single(state["pairings"]!.AsArray())!);
        Assert.Equal("Wave 2", Assert.Single(state["countsByWave"]!.AsArray())!["waveName"]!.GetValue<string>());
        NamesBoth(Assert.Single((await Get($"{url}/pairings", lead)).ShouldBe(HttpStatusCode.OK).Json["items"]!.AsArray())!);
        NamesBoth((await Get($"{url}/pairings/{pairing}", lead)).ShouldBe(HttpStatusCode.OK).Json);
        NamesBoth((await Post($"{url}/pairings/{pairing}/establishment", lead, new { establishedOn = "2018-01-15" })).ShouldBe(HttpStatusCode.OK).Json);

        // The observation appears between the two dates: only the counts it changed are listed,
        // not every count of its wave going from nothing to 0.
        var changes = (await Get($"{url}/changes?from=2018-06-30&to=2019-06-30", lead)).ShouldBe(HttpStatusCode.OK).Json;
        var siteFields = changes["sites"]!.AsArray().Single(x => x!["id"]!.GetValue<Guid>() == follower)!["changes"]!.AsArray()
            .Select(c => c!["field"]!.GetValue<string>()).Order();
        Assert.Equal(["counts.observations", "counts.observedMinutes", $"countsByWave.{wave}.observations", $"countsByWave.{wave}.observedMinutes"], siteFields);
        var pairingChanges = Assert.Single(changes["pairings"]!.AsArray())!["changes"]!.AsArray();
        var byWave = pairingChanges.Single(c => c!["field"]!.GetValue<string>() == $"countsByWave.{wave}.observations")!;
        Assert.Equal(0, byWave["before"]!.GetValue<int>());
        Assert.Equal(1, byWave["after"]!.GetValue<int>());
        Assert.DoesNotContain(pairingChanges, c => c!["field"]!.GetValue<string>().EndsWith(".interviews", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_late_recorded_event_never_leaves_a_stale_answer()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var exemplar = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF1", "follower", "2017-09-01");
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");
        var url = $"/api/evaluations/{evaluation}/state?asOf=2020-01-01";
        var first = (await Get(url, lead)).Json;
        Assert.Equal("none", first["pairings"]![0]!["flow"]!.GetValue<string>());

        // Logged today, it happened in 2018: every later read of 2020 includes it.
        (await Post($"/api/evaluations/{evaluation}/pairings/{pairing}/exchanges", lead, new
        {
            occurredOn = "2018-02-01",
            direction = "exemplarToFollower",
            channel = "formal",
            topic = "Late news",
            evidenceIds = Array.Empty<Guid>(),
        })).ShouldBe(HttpStatusCode.Created);
        var second = (await Get(url, lead)).Json;
        Assert.Equal("oneWay", second["pairings"]![0]!["flow"]!.GetValue<string>());
        Assert.Equal(1, second["pairings"]![0]!["exchanges"]!["formal"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(first["sites"], second["sites"]));
    }
}
