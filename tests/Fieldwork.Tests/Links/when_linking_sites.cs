using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Links;

public sealed class when_linking_sites(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task a_link_stands_from_its_date_and_is_known_from_its_record()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var a = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var outside = await EnrolSite(evaluation, lead, "OUT1", "other", "2017-01-01", kind: "specialist");
        var created = (await Post($"/api/evaluations/{evaluation}/links", lead,
            new { siteAId = a, siteBId = outside, formedOn = "2018-05-01", note = "Met at a conference" })).ShouldBe(HttpStatusCode.Created);
        var id = created.Json["id"]!.GetValue<Guid>();

        Assert.Empty((await Get($"/api/evaluations/{evaluation}/links?asOf=2018-04-30", lead)).Json["items"]!.AsArray());
        var link = Assert.Single((await Get($"/api/evaluations/{evaluation}/links?asOf=2018-05-01", lead)).ShouldBe(HttpStatusCode.OK).Json["items"]!.AsArray())!;
        Assert.Equal(id, link["id"]!.GetValue<Guid>());
        Assert.Equal("Met at a conference", link["note"]!.GetValue<string>());
        Assert.Equal(1, link["version"]!.GetValue<int>());

        (await Get($"/api/evaluations/{evaluation}/links/{id}", lead)).ShouldBe(HttpStatusCode.OK);
        (await Get($"/api/evaluations/{evaluation}/links/{id}?asOf=2018-04-30", lead)).ShouldBeProblem(HttpStatusCode.NotFound);

        var recordedAt = (await App.EventsOfStreamAsync(id))[0].Timestamp;
        var before = Uri.EscapeDataString(recordedAt.AddTicks(-10).ToString("O"));
        Assert.Empty((await Get($"/api/evaluations/{evaluation}/links?knownAt={before}", lead)).Json["items"]!.AsArray());
    }

    [Fact]
    public async Task a_link_needs_two_different_sites_of_the_evaluation_enrolled_by_then()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var a = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var b = await EnrolSite(evaluation, lead, "FF1", "follower", "2018-01-01");
        var foreign = await EnrolSite(await CreateEvaluation(lead), lead, "X1");
        var url = $"/api/evaluations/{evaluation}/links";
        var before = await App.EventCountAsync();

        (await Post(url, lead, new { siteAId = a, siteBId = a, formedOn = "2018-05-01" })).ShouldBeProblem(HttpStatusCode.BadRequest, "siteBId");
        (await Post(url, lead, new { siteAId = a, siteBId = foreign, formedOn = "2018-05-01" })).ShouldBeProblem(HttpStatusCode.BadRequest, "siteBId");
        (await Post(url, lead, new { siteAId = a, siteBId = b, formedOn = "2017-05-01" })).ShouldBeProblem(HttpStatusCode.BadRequest, "siteBId");
        (await Post(url, lead, new { siteAId = a, siteBId = b })).ShouldBeProblem(HttpStatusCode.BadRequest, "formedOn");
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Fact]
    public async Task a_link_needs_both_sites_still_taking_part_on_its_date()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var a = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var b = await EnrolSite(evaluation, lead, "FF1", "follower", "2017-01-01");
        var url = $"/api/evaluations/{evaluation}/links";
        (await Post($"/api/evaluations/{evaluation}/sites/{b}/withdrawal", lead, new { effectiveOn = "2018-01-01", reason = "Left the programme" }))
            .ShouldBe(HttpStatusCode.OK);
        var before = await App.EventCountAsync();

        var refused = (await Post(url, lead, new { siteAId = a, siteBId = b, formedOn = "2018-05-01" })).ShouldBeProblem(HttpStatusCode.BadRequest, "siteBId");
        Assert.Equal("Site FF1 had withdrawn by 2018-05-01.", refused.Json["errors"]!["siteBId"]![0]!.GetValue<string>());
        Assert.Equal(before, await App.EventCountAsync());
        (await Post(url, lead, new { siteAId = a, siteBId = b, formedOn = "2017-12-31" })).ShouldBe(HttpStatusCode.Created);
    }
}

