using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Pairings;

public sealed class when_pairing_sites(AppFixture app) : ApiTest(app)
{
    private async Task<(string Lead, Guid Evaluation, Guid Exemplar, Guid Follower)> TwoSites()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var exemplar = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF1", "follower", "2017-09-01");
        return (lead, evaluation, exemplar, follower);
    }

    [Fact]
    public async Task a_pairing_moves_from_proposed_to_established_to_dissolved_in_valid_time()
    {
        var (lead, evaluation, exemplar, follower) = await TwoSites();
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");
        var url = $"/api/evaluations/{evaluation}/pairings/{pairing}";
        (await Post($"{url}/establishment", lead, new { establishedOn = "2018-01-15" })).ShouldBe(HttpStatusCode.OK);
        var dissolved = (await Post($"{url}/dissolution", lead, new { dissolvedOn = "2019-06-30", reason = "Follower left" }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("dissolved", dissolved["status"]!.GetValue<string>());
        Assert.Equal(3, dissolved["version"]!.GetValue<int>());

        (await Get($"{url}?asOf=2017-09-30", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        var proposed = (await Get($"{url}?asOf=2017-10-01", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("proposed", proposed["status"]!.GetValue<string>());
        Assert.Null(proposed["establishedOn"]);
        Assert.Equal(exemplar, proposed["exemplarSiteId"]!.GetValue<Guid>());
        Assert.Equal(follower, proposed["followerSiteId"]!.GetValue<Guid>());
        var established = (await Get($"{url}?asOf=2018-06-30", lead)).Json;
        Assert.Equal("established", established["status"]!.GetValue<string>());
        Assert.Equal("2018-01-15", established["establishedOn"]!.GetValue<string>());
        Assert.Null(established["dissolvedOn"]);
        Assert.Equal("dissolved", (await Get($"{url}?asOf=2019-06-30", lead)).Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task flow_turns_from_none_to_one_way_to_two_way_and_alignment_is_the_latest_assessed()
    {
        var (lead, evaluation, exemplar, follower) = await TwoSites();
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");
        var url = $"/api/evaluations/{evaluation}/pairings/{pairing}";
        (await Post($"{url}/alignment", lead, new
        {
            assessedOn = "2018-01-01",
            sameSystem = true,
            sameRegion = false,
            distanceKm = 120.5,
            priorLinks = false,
            culturalFit = 2,
        })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/alignment", lead, new
        {
            assessedOn = "2019-01-01",
            sameSystem = true,
            sameRegion = false,
            priorLinks = true,
            culturalFit = 4,
            note = "Warmer",
        })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/exchanges", lead, new
        {
            occurredOn = "2018-03-01",
            direction = "exemplarToFollower",
            channel = "formal",
            topic = "EPR go-live playbook",
            evidenceIds = Array.Empty<Guid>(),
        })).ShouldBe(HttpStatusCode.Created);
        (await Post($"{url}/exchanges", lead, new
        {
            occurredOn = "2019-05-01",
            direction = "followerToExemplar",
            channel = "informal",
            topic = "Clinical safety case",
            evidenceIds = Array.Empty<Guid>(),
        })).ShouldBe(HttpStatusCode.Created);

        var exchanges = (await Get($"{url}/exchanges?asOf=2018-12-31", lead)).ShouldBe(HttpStatusCode.OK).Json["items"]!.AsArray();
        var first = Assert.Single(exchanges)!;
        Assert.Equal("EPR go-live playbook", first["topic"]!.GetValue<string>());
        Assert.Equal(lead, first["recordedBy"]!.GetValue<string>());
        (await Get($"{url}/exchanges/{first["id"]!.GetValue<Guid>()}", lead)).ShouldBe(HttpStatusCode.OK);
        (await Get($"{url}/exchanges/{Guid.NewGuid()}", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(2, (await Get($"{url}/exchanges", lead)).Json["total"]!.GetValue<int>());

        var start = (await Get($"{url}?asOf=2017-12-31", lead)).Json;
        Assert.Equal("none", start["flow"]!.GetValue<string>());
        Assert.Null(start["alignment"]);
        var oneWay = (await Get($"{url}?asOf=2018-12-31", lead)).Json;
        Assert.Equal("oneWay", oneWay["flow"]!.GetValue<string>());
        Assert.Equal(1, oneWay["exchanges"]!["exemplarToFollower"]!.GetValue<int>());
        Assert.Equal(1, oneWay["exchanges"]!["formal"]!.GetValue<int>());
        Assert.Equal(2, oneWay["alignment"]!["culturalFit"]!.GetValue<int>());
        Assert.Equal(120.5m, oneWay["alignment"]!["distanceKm"]!.GetValue<decimal>());
        var twoWay = (await Get($"{url}?asOf=2019-12-31", lead)).Json;
        Assert.Equal("twoWay", twoWay["flow"]!.GetValue<string>());
        Assert.Equal(1, twoWay["exchanges"]!["followerToExemplar"]!.GetValue<int>());
        Assert.Equal(1, twoWay["exchanges"]!["informal"]!.GetValue<int>());
        Assert.Equal(4, twoWay["alignment"]!["culturalFit"]!.GetValue<int>());
        Assert.Equal("Warmer", twoWay["alignment"]!["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_mutual_exchange_alone_makes_the_flow_two_way()
    {
        var (lead, evaluation, exemplar, follower) = await TwoSites();
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower);
        (await Post($"/api/evaluations/{evaluation}/pairings/{pairing}/exchanges", lead, new
        {
            occurredOn = "2018-03-01",
            direction = "mutual",
            channel = "informal",
            topic = "Shared workshop",
            evidenceIds = Array.Empty<Guid>(),
        })).ShouldBe(HttpStatusCode.Created);
        Assert.Equal("twoWay", (await Get($"/api/evaluations/{evaluation}/pairings/{pairing}", lead)).Json["flow"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_site_cannot_pair_with_itself_and_roles_must_hold_on_the_proposal_date()
    {
        var (lead, evaluation, exemplar, follower) = await TwoSites();
        var url = $"/api/evaluations/{evaluation}/pairings";
        var before = await App.EventCountAsync();

        (await Post(url, lead, new { exemplarSiteId = exemplar, followerSiteId = exemplar, proposedOn = "2017-10-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "followerSiteId");
        (await Post(url, lead, new { exemplarSiteId = follower, followerSiteId = exemplar, proposedOn = "2017-10-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "exemplarSiteId", "followerSiteId");
        // The follower was only enrolled on 2017-09-01.
        (await Post(url, lead, new { exemplarSiteId = exemplar, followerSiteId = follower, proposedOn = "2017-08-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "followerSiteId");
        (await Post(url, lead, new { exemplarSiteId = exemplar, followerSiteId = Guid.NewGuid(), proposedOn = "2017-10-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "followerSiteId");
        (await Post(url, lead, new { exemplarSiteId = exemplar, followerSiteId = follower, proposedOn = "2025-01-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "proposedOn");
        Assert.Equal(before, await App.EventCountAsync());

        // A site that became an exemplar later can be paired from that date on.
        var late = await EnrolSite(evaluation, lead, "LATE", "other", "2016-09-01");
        (await Post($"/api/evaluations/{evaluation}/sites/{late}/attributes", lead, new { effectiveOn = "2018-01-01", programmeRole = "exemplar" }))
            .ShouldBe(HttpStatusCode.OK);
        (await Post(url, lead, new { exemplarSiteId = late, followerSiteId = follower, proposedOn = "2017-12-31" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "exemplarSiteId");
        await ProposePairing(evaluation, lead, late, follower, "2018-01-01");
    }

    [Fact]
    public async Task two_open_pairings_of_the_same_sites_are_refused_even_when_racing()
    {
        var (lead, evaluation, exemplar, follower) = await TwoSites();
        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Post($"/api/evaluations/{evaluation}/pairings", lead,
            new { exemplarSiteId = exemplar, followerSiteId = follower, proposedOn = "2017-10-01" })));
        var winner = Assert.Single(replies, r => r.Status == HttpStatusCode.Created);
        Assert.All(replies.Where(r => r != winner), r => r.ShouldBeProblem(HttpStatusCode.Conflict));

        var pairing = winner.Json["id"]!.GetValue<Guid>();
        (await Post($"/api/evaluations/{evaluation}/pairings/{pairing}/dissolution", lead, new { dissolvedOn = "2018-01-01", reason = "Refocused" }))
            .ShouldBe(HttpStatusCode.OK);
        await ProposePairing(evaluation, lead, exemplar, follower, "2018-06-01");
        Assert.Equal(2, (await Get($"/api/evaluations/{evaluation}/pairings", lead)).Json["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task a_dissolved_pairing_takes_no_establishment_and_no_later_exchange()
    {
        var (lead, evaluation, exemplar, follower) = await TwoSites();
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");
        var url = $"/api/evaluations/{evaluation}/pairings/{pairing}";
        (await Post($"{url}/dissolution", lead, new { dissolvedOn = "2018-01-31", reason = "Follower left its exemplar" })).ShouldBe(HttpStatusCode.OK);
        var before = await App.EventCountAsync();

        (await Post($"{url}/establishment", lead, new { establishedOn = "2018-01-15" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/exchanges", lead, new
        {
            occurredOn = "2018-02-01",
            direction = "mutual",
            channel = "formal",
            topic = "After the end",
            evidenceIds = Array.Empty<Guid>(),
        })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/dissolution", lead, new { dissolvedOn = "2018-02-01", reason = "again" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/alignment", lead, new { assessedOn = "2018-01-01", sameSystem = true, sameRegion = true, priorLinks = true, culturalFit = 6 }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "culturalFit");
        (await Post($"{url}/exchanges", lead, new { occurredOn = "2018-01-10", direction = "sideways", channel = "formal", topic = "x", evidenceIds = Array.Empty<Guid>() }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "direction");
        (await Post($"/api/evaluations/{evaluation}/pairings/{Guid.NewGuid()}/establishment", lead, new { establishedOn = "2018-01-15" }))
            .ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(before, await App.EventCountAsync());

        (await Post($"{url}/exchanges", lead, new
        {
            occurredOn = "2018-01-10",
            direction = "exemplarToFollower",
            channel = "formal",
            topic = "Before the end",
            evidenceIds = Array.Empty<Guid>(),
        })).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_correction_shows_only_in_replays_known_after_it()
    {
        var (lead, evaluation, exemplar, follower) = await TwoSites();
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");
        var url = $"/api/evaluations/{evaluation}/pairings/{pairing}";
        (await Post($"{url}/establishment", lead, new { establishedOn = "2018-03-01" })).ShouldBe(HttpStatusCode.OK);
        var corrected = (await Post($"{url}/corrections", lead, new { establishedOn = "2018-01-15" })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2018-01-15", corrected["establishedOn"]!.GetValue<string>());

        var events = await App.EventsOfStreamAsync(pairing);
        var beforeCorrection = Uri.EscapeDataString(events[1].Timestamp.ToString("O"));
        var then = (await Get($"{url}?asOf=2018-02-01&knownAt={beforeCorrection}", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("proposed", then["status"]!.GetValue<string>());
        var now = (await Get($"{url}?asOf=2018-02-01", lead)).Json;
        Assert.Equal("established", now["status"]!.GetValue<string>());
        Assert.Equal("2018-01-15", now["establishedOn"]!.GetValue<string>());

        (await Post($"{url}/corrections", lead, new { dissolvedOn = "2019-01-01" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/corrections", lead, new { establishedOn = "2017-01-01" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/corrections", lead, new { })).ShouldBeProblem(HttpStatusCode.BadRequest, "body");
    }
}
