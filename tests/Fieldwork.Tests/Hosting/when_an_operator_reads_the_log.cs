using System.Net;
using Fieldwork.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Fieldwork.Tests.Hosting;

/// <summary>A refused request is the client's mistake, not the server's: the log says so quietly, without stack traces.</summary>
public sealed class when_an_operator_reads_the_log(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task refused_requests_and_repeats_log_nothing_above_information_and_no_stack_trace()
    {
        var lead = NewUser("lead");
        var fieldworker = NewUser("fieldworker");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        await AddMember(evaluation, lead, fieldworker, "fieldworker");
        var wave = new { id = Guid.NewGuid(), name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" };
        (await Post($"{url}/waves", lead, wave)).ShouldBe(HttpStatusCode.Created);
        var mark = App.Logs.Mark;

        (await Send(HttpMethod.Post, $"{url}/waves", lead, "{ not json")).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Send(HttpMethod.Post, $"{url}/waves", lead, "{\"name\":\"W\",\"startsOn\":\"soon\"}")).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Post($"{url}/waves", lead, new { name = "", startsOn = "2019-01-01", endsOn = "2018-01-01" })).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Post($"{url}/waves", fieldworker, new { name = "W2", startsOn = "2019-01-01", endsOn = "2019-12-31" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get($"/api/evaluations/{Guid.NewGuid()}/sites", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{url}/evidence?kind=video", lead)).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Post($"{url}/waves", lead, wave with { name = "Another wave" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{url}/waves", lead, wave)).ShouldBe(HttpStatusCode.Created);
        (await Send(HttpMethod.Get, $"{url}/sites", null, null, rawToken: "garbage")).ShouldBeProblem(HttpStatusCode.Unauthorized);

        var written = App.Logs.Since(mark);
        var refusals = written.Where(e => e.Category == "Fieldwork.Api.Refusals").ToList();
        Assert.Equal(8, refusals.Count);
        Assert.All(refusals, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.Contains(refusals, e => e.Message.Contains("refused: 400", StringComparison.Ordinal) && e.Message.Contains("[startsOn]", StringComparison.Ordinal));
        var loud = written.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null).ToList();
        Assert.True(loud.Count == 0, string.Join(Environment.NewLine, loud.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name}")));
    }
}
