using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Coding;

public sealed class when_writing_memos(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task memos_about_things_of_the_evaluation_are_written_revised_and_replayed()
    {
        var lead = NewUser("lead");
        var fieldworker = NewUser("fieldworker");
        var analyst = NewUser("analyst");
        var evaluation = await CreateEvaluation(lead);
        await AddMember(evaluation, lead, fieldworker, "fieldworker");
        await AddMember(evaluation, lead, analyst, "analyst");
        var site = await EnrolSite(evaluation, lead, "GDE1");
        var url = $"/api/evaluations/{evaluation}/memos";

        var id = Guid.NewGuid();
        var body = new { id, aboutKind = "site", aboutId = site, text = "Board-level sponsorship seems to matter here." };
        var created = (await Post(url, fieldworker, body)).ShouldBe(HttpStatusCode.Created);
        Assert.Equal($"{url}/{id}", created.Response.Headers.Location!.OriginalString);
        (await Post(url, fieldworker, body)).ShouldBe(HttpStatusCode.Created);
        (await Post(url, fieldworker, body with { text = "other" })).ShouldBeProblem(HttpStatusCode.Conflict);

        var memo = (await Get($"{url}/{id}", analyst)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, memo["version"]!.GetValue<int>());
        Assert.Equal(fieldworker, memo["authorId"]!.GetValue<string>());
        var firstVersion = (await App.EventsOfStreamAsync(id))[0].Timestamp;

        (await Post($"{url}/{id}/revisions", analyst, new { expectedVersion = 1, text = "mine now" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        var revised = (await Post($"{url}/{id}/revisions", fieldworker, new { expectedVersion = 1, text = "Sponsorship and a CCIO." }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, revised["version"]!.GetValue<int>());
        (await Post($"{url}/{id}/revisions", lead, new { expectedVersion = 1, text = "stale" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/{id}/revisions", lead, new { expectedVersion = 2, text = "A lead may edit any memo." })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{url}/{Guid.NewGuid()}/revisions", lead, new { expectedVersion = 1, text = "x" })).ShouldBeProblem(HttpStatusCode.NotFound);

        var then = Uri.EscapeDataString(firstVersion.ToString("O"));
        Assert.Equal("Board-level sponsorship seems to matter here.", (await Get($"{url}/{id}?knownAt={then}", lead)).Json["text"]!.GetValue<string>());
        var listed = (await Get($"{url}?aboutKind=site&aboutId={site}", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, listed["total"]!.GetValue<int>());
        Assert.Equal("A lead may edit any memo.", listed["items"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(0, (await Get($"{url}?aboutKind=code", lead)).Json["total"]!.GetValue<int>());
        Assert.Equal(0, (await Get($"{url}?asOf=2017-01-01", lead)).Json["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task a_memo_about_something_unknown_or_badly_formed_is_a_400_and_auditors_only_read()
    {
        var lead = NewUser("lead");
        var auditor = NewUser("auditor");
        var evaluation = await CreateEvaluation(lead);
        var elsewhere = await EnrolSite(await CreateEvaluation(lead), lead, "ELSE");
        await AddMember(evaluation, lead, auditor, "auditor");
        var url = $"/api/evaluations/{evaluation}/memos";
        var before = await App.EventCountAsync();

        foreach (var kind in new[] { "code", "evidence", "site", "pairing", "finding" })
        {
            (await Post(url, lead, new { aboutKind = kind, aboutId = Guid.NewGuid(), text = "x" })).ShouldBeProblem(HttpStatusCode.BadRequest, "aboutId");
        }

        (await Post(url, lead, new { aboutKind = "site", aboutId = elsewhere, text = "x" })).ShouldBeProblem(HttpStatusCode.BadRequest, "aboutId");
        (await Post(url, lead, new { aboutKind = "planet", aboutId = Guid.NewGuid(), text = "x" })).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Post(url, lead, new { aboutKind = "site" })).ShouldBeProblem(HttpStatusCode.BadRequest, "aboutId", "text");
        (await Post(url, auditor, new { aboutKind = "site", aboutId = elsewhere, text = "x" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.Equal(before, await App.EventCountAsync());
        (await Get(url, auditor)).ShouldBe(HttpStatusCode.OK);
        (await Get($"{url}/{Guid.NewGuid()}", auditor)).ShouldBeProblem(HttpStatusCode.NotFound);
    }
}
