using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Evidence;

/// <summary>
/// A fieldworker who logged the same observation twice voids the second: from the void on (as
/// known at) it leaves counts, lists, codings and analyses; the log and earlier replays keep it.
/// </summary>
public sealed class when_voiding_evidence(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task a_voided_item_leaves_every_count_and_analysis_from_the_void_on_and_earlier_replays_keep_it()
    {
        var lead = NewUser("lead");
        var fieldworker = NewUser("fieldworker");
        var other = NewUser("fieldworker");
        var analyst = NewUser("analyst");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        await AddMember(evaluation, lead, fieldworker, "fieldworker");
        await AddMember(evaluation, lead, other, "fieldworker");
        await AddMember(evaluation, lead, analyst, "analyst");
        var site = await EnrolSite(evaluation, lead, "GDE1");
        object Observation() => new
        {
            occurredOn = "2018-03-05",
            siteIds = new[] { site },
            setting = "meeting",
            durationMinutes = 60,
            fieldNotes = "The board discussed the go-live date.",
        };
        var kept = (await Post($"{url}/observations", fieldworker, Observation())).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var twice = (await Post($"{url}/observations", fieldworker, Observation())).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var code = (await Post($"{url}/codebook/codes", analyst, new { name = "Go-live", definition = "Go-live planning" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        foreach (var item in new[] { kept, twice })
        {
            (await Post($"{url}/evidence/{item}/codings", analyst, new { codeId = code, textVersion = 1, start = 4, end = 9 })).ShouldBe(HttpStatusCode.Created);
        }

        var codingOnTwice = (await Get($"{url}/codings?evidenceId={twice}", analyst)).Json["items"]![0]!["id"]!.GetValue<Guid>();
        var beforeVoid = Uri.EscapeDataString((await App.EventsOfStreamAsync(twice))[^1].Timestamp.ToString("O"));
        int Observations(JsonNode state) => state["sites"]![0]!["counts"]!["observations"]!.GetValue<int>();
        Assert.Equal(2, Observations((await Get($"{url}/state", lead)).Json));

        // Only the person who logged it, or a lead; a reason is required.
        (await Post($"{url}/evidence/{twice}/void", other, new { reason = "Logged twice" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Post($"{url}/evidence/{twice}/void", analyst, new { reason = "Logged twice" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Post($"{url}/evidence/{twice}/void", fieldworker, new { })).ShouldBeProblem(HttpStatusCode.BadRequest, "reason");
        var voided = (await Post($"{url}/evidence/{twice}/void", fieldworker, new { reason = "Logged twice" })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("Logged twice", voided["voided"]!["reason"]!.GetValue<string>());
        Assert.Equal(fieldworker, voided["voided"]!["voidedBy"]!.GetValue<string>());
        var events = await App.EventCountAsync();
        (await Post($"{url}/evidence/{twice}/void", lead, new { reason = "Logged twice, again" })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(events, await App.EventCountAsync());

        // Gone from counts, lists, codings, agreement and the matrix...
        var state = (await Get($"{url}/state", lead)).Json;
        Assert.Equal(1, Observations(state));
        Assert.Equal(1, state["counts"]!["codings"]!.GetValue<int>());
        var list = (await Get($"{url}/evidence", lead)).Json;
        Assert.Equal(kept, Assert.Single(list["items"]!.AsArray())!["id"]!.GetValue<Guid>());
        var all = (await Get($"{url}/evidence?includeVoided=true", lead)).Json["items"]!.AsArray();
        Assert.Equal(2, all.Count);
        Assert.Equal("Logged twice", all.Single(i => i!["id"]!.GetValue<Guid>() == twice)!["voided"]!["reason"]!.GetValue<string>());
        Assert.Null(all.Single(i => i!["id"]!.GetValue<Guid>() == kept)!["voided"]);
        Assert.Single((await Get($"{url}/codings?codeId={code}", lead)).Json["items"]!.AsArray());
        var matrix = (await Get($"{url}/matrix?rows=sites&columns=codes", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, matrix["cells"]!.AsArray().Sum(c => c!["codings"]!.GetValue<int>()));

        // ...but still readable as itself, and replays from before the void still count it.
        Assert.Equal("Logged twice", (await Get($"{url}/evidence/{twice}", lead)).ShouldBe(HttpStatusCode.OK).Json["voided"]!["reason"]!.GetValue<string>());
        Assert.Equal(2, Observations((await Get($"{url}/state?knownAt={beforeVoid}", lead)).Json));
        Assert.Null((await Get($"{url}/evidence/{twice}?knownAt={beforeVoid}", lead)).Json["voided"]);

        // A voided item takes nothing more and supports no finding.
        (await Post($"{url}/evidence/{twice}/codings", analyst, new { codeId = code, textVersion = 1, start = 0, end = 3 }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/evidence/{twice}/texts", fieldworker, new { expectedVersion = 1, text = "Corrected notes." }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        var finding = (await Post($"{url}/findings", analyst, new { statement = "Boards set go-live dates." }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var link = (await Post($"{url}/findings/{finding}/evidence", analyst, new { expectedVersion = 1, stance = "supporting", codingIds = new[] { codingOnTwice } }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains(codingOnTwice.ToString(), link.Json["detail"]!.GetValue<string>());
        Assert.Equal(events, await App.EventCountAsync() - 1);
    }
}
