using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Sites;

public sealed class when_tracking_sites(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task a_site_is_enrolled_and_read_back_in_the_contract_shape()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "RX1");

        var read = (await Get($"/api/evaluations/{evaluation}/sites/{site}", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("RX1", read["code"]!.GetValue<string>());
        Assert.Equal("acute", read["kind"]!.GetValue<string>());
        Assert.Equal("exemplar", read["programmeRole"]!.GetValue<string>());
        Assert.Equal("Acute GDE wave 1", read["cohort"]!.GetValue<string>());
        Assert.Equal("North", read["region"]!.GetValue<string>());
        Assert.Equal("Cerner", read["eprSystem"]!.GetValue<string>());
        Assert.Equal("inDepth", read["caseDepth"]!.GetValue<string>());
        Assert.Equal("active", read["status"]!.GetValue<string>());
        Assert.Equal("2017-01-01", read["enrolledOn"]!.GetValue<string>());
        Assert.Equal(1, read["version"]!.GetValue<int>());
        Assert.Equal(0, read["counts"]!["interviews"]!.GetValue<int>());

        var list = (await Get($"/api/evaluations/{evaluation}/sites", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(site, Assert.Single(list["items"]!.AsArray())!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task an_attribute_change_is_invisible_before_its_effective_date()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "RX2");
        var changed = (await Post($"/api/evaluations/{evaluation}/sites/{site}/attributes", lead,
            new { effectiveOn = "2019-04-01", eprSystem = "Epic" })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("Epic", changed["eprSystem"]!.GetValue<string>());
        Assert.Equal(2, changed["version"]!.GetValue<int>());

        var before = (await Get($"/api/evaluations/{evaluation}/sites/{site}?asOf=2019-03-31", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("Cerner", before["eprSystem"]!.GetValue<string>());
        var on = (await Get($"/api/evaluations/{evaluation}/sites/{site}?asOf=2019-04-01", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("Epic", on["eprSystem"]!.GetValue<string>());
        var instant = (await Get($"/api/evaluations/{evaluation}/sites/{site}?asOf=2019-03-31T23:59:59Z", lead)).Json;
        Assert.Equal("Cerner", instant["eprSystem"]!.GetValue<string>());

        (await Get($"/api/evaluations/{evaluation}/sites/{site}?asOf=2016-12-31", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        var listBefore = (await Get($"/api/evaluations/{evaluation}/sites?asOf=2016-12-31", lead)).Json;
        Assert.Empty(listBefore["items"]!.AsArray());
    }

    [Fact]
    public async Task a_record_made_later_is_invisible_to_an_earlier_knownAt()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "RX3");
        // Logged late: the switch happened in 2018, but is only recorded now.
        (await Post($"/api/evaluations/{evaluation}/sites/{site}/attributes", lead,
            new { effectiveOn = "2018-06-01", eprSystem = "Epic" })).ShouldBe(HttpStatusCode.OK);

        var history = (await Get($"/api/evaluations/{evaluation}/sites/{site}/history", lead)).ShouldBe(HttpStatusCode.OK).Json;
        var entries = history["items"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("siteEnrolled", entries[0]!["type"]!.GetValue<string>());
        Assert.Equal("siteAttributesChanged", entries[1]!["type"]!.GetValue<string>());
        Assert.Equal("2018-06-01", entries[1]!["occurredOn"]!.GetValue<string>());
        Assert.Equal(lead, entries[1]!["recordedBy"]!.GetValue<string>());
        Assert.Equal("Epic", entries[1]!["change"]!["eprSystem"]!.GetValue<string>());
        var enrolledAt = entries[0]!["recordedAt"]!.GetValue<DateTimeOffset>();

        var known = Uri.EscapeDataString(enrolledAt.ToString("O"));
        var then = (await Get($"/api/evaluations/{evaluation}/sites/{site}?asOf=2019-01-01&knownAt={known}", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("Cerner", then["eprSystem"]!.GetValue<string>());
        Assert.Equal(1, then["version"]!.GetValue<int>());
        var now = (await Get($"/api/evaluations/{evaluation}/sites/{site}?asOf=2019-01-01", lead)).Json;
        Assert.Equal("Epic", now["eprSystem"]!.GetValue<string>());

        var beforeAnything = Uri.EscapeDataString(enrolledAt.AddSeconds(-1).ToString("O"));
        (await Get($"/api/evaluations/{evaluation}/sites/{site}?knownAt={beforeAnything}", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        var shortHistory = (await Get($"/api/evaluations/{evaluation}/sites/{site}/history?knownAt={known}", lead)).Json;
        Assert.Single(shortHistory["items"]!.AsArray());
    }

    [Fact]
    public async Task site_codes_are_unique_in_an_evaluation_whatever_the_case()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        await EnrolSite(evaluation, lead, "RX4");
        var before = await App.EventCountAsync();

        var again = await Post($"/api/evaluations/{evaluation}/sites", lead,
            new { code = "rx4", kind = "acute", programmeRole = "follower", caseDepth = "broader", enrolledOn = "2017-01-01" });
        again.ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal(before, await App.EventCountAsync());

        // Another evaluation may use the same code.
        var other = await CreateEvaluation(lead);
        await EnrolSite(other, lead, "RX4");
    }

    [Fact]
    public async Task two_sites_racing_for_one_code_leave_one_site()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Post($"/api/evaluations/{evaluation}/sites", lead,
            new { code = "RACE", kind = "acute", programmeRole = "exemplar", caseDepth = "inDepth", enrolledOn = "2017-01-01" })));

        Assert.Single(replies, r => r.Status == HttpStatusCode.Created);
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.Created), r => r.ShouldBeProblem(HttpStatusCode.Conflict));
        Assert.Single((await Get($"/api/evaluations/{evaluation}/sites", lead)).Json["items"]!.AsArray());
    }

    [Fact]
    public async Task the_rules_of_changes_and_withdrawal_hold_and_write_nothing_when_broken()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "RX5", enrolledOn: "2018-01-01");
        var url = $"/api/evaluations/{evaluation}/sites/{site}";
        var before = await App.EventCountAsync();

        (await Post($"{url}/attributes", lead, new { effectiveOn = "2017-06-01", region = "South" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/attributes", lead, new { effectiveOn = "2030-01-01", region = "South" })).ShouldBeProblem(HttpStatusCode.BadRequest, "effectiveOn");
        (await Post($"{url}/attributes", lead, new { effectiveOn = "2019-01-01" })).ShouldBeProblem(HttpStatusCode.BadRequest, "body");
        (await Post($"{url}/attributes", lead, new { effectiveOn = "2019-01-01", kind = "hospital" })).ShouldBeProblem(HttpStatusCode.BadRequest, "kind");
        (await Post($"{url}/withdrawal", lead, new { effectiveOn = "2017-01-01", reason = "left" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/withdrawal", lead, new { effectiveOn = "2019-01-01" })).ShouldBeProblem(HttpStatusCode.BadRequest, "reason");
        (await Post($"/api/evaluations/{evaluation}/sites/{Guid.NewGuid()}/attributes", lead, new { effectiveOn = "2019-01-01", region = "x" }))
            .ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(before, await App.EventCountAsync());

        var withdrawn = (await Post($"{url}/withdrawal", lead, new { effectiveOn = "2020-01-01", reason = "Left the programme" }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("withdrawn", withdrawn["status"]!.GetValue<string>());
        (await Post($"{url}/withdrawal", lead, new { effectiveOn = "2020-02-01", reason = "again" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/attributes", lead, new { effectiveOn = "2020-06-01", region = "South" })).ShouldBeProblem(HttpStatusCode.Conflict);

        Assert.Equal("active", (await Get($"{url}?asOf=2019-12-31", lead)).Json["status"]!.GetValue<string>());
        Assert.Equal("withdrawn", (await Get($"{url}?asOf=2020-01-01", lead)).Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_enrolment_is_validated()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        (await Post($"/api/evaluations/{evaluation}/sites", lead, new { code = "bad code!", kind = "acute" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "code", "programmeRole", "caseDepth", "enrolledOn");
        (await Post($"/api/evaluations/{evaluation}/sites", lead,
            new { code = "RX9", kind = "acute", programmeRole = "exemplar", caseDepth = "inDepth", enrolledOn = "2015-01-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "enrolledOn");
        (await Get($"/api/evaluations/{evaluation}/sites?asOf=yesterday", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "asOf");
        (await Get($"/api/evaluations/{evaluation}/sites?knownAt=2019-13-01", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "knownAt");
    }

    [Fact]
    public async Task auditors_read_sites_but_cannot_write_them()
    {
        var lead = NewUser("lead");
        var auditor = NewUser("auditor");
        var evaluation = await CreateEvaluation(lead);
        await AddMember(evaluation, lead, auditor, "auditor");
        var site = await EnrolSite(evaluation, lead, "RX6");

        (await Get($"/api/evaluations/{evaluation}/sites/{site}", auditor)).ShouldBe(HttpStatusCode.OK);
        (await Post($"/api/evaluations/{evaluation}/sites", auditor,
            new { code = "RX7", kind = "acute", programmeRole = "exemplar", caseDepth = "inDepth", enrolledOn = "2017-01-01" }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
    }
}
