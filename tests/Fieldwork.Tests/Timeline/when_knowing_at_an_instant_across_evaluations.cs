using System.Net;
using Fieldwork.Sites;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Timeline;

/// <summary>
/// knownAt names a prefix of the evaluation's own log: history loaded into another evaluation
/// afterwards, with earlier record times, does not pull this evaluation's later records into it.
/// </summary>
public sealed class when_knowing_at_an_instant_across_evaluations(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task another_evaluations_older_history_loaded_later_leaves_the_cut_alone()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var other = await CreateEvaluation(lead, "Loaded history");

        // Another evaluation's history, appended now with the record times it had in 2017.
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var site = Guid.NewGuid();
            var action = session.Events.StartStream<SiteTimeline>(site, new SiteEnrolled(other, site, "OLD1", default, default, null, null, null,
                default, new DateOnly(2016, 9, 1)));
            foreach (var e in action.Events)
            {
                e.Timestamp = new DateTimeOffset(2017, 1, 1, 9, 0, 0, TimeSpan.Zero);
            }

            await session.SaveChangesAsync();
        }

        // In 2018 nothing of this evaluation was recorded yet: its site was recorded today.
        var then = (await Get($"/api/evaluations/{evaluation}/sites?knownAt=2018-01-01", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(0, then["total"]!.GetValue<int>());
        var now = (await Get($"/api/evaluations/{evaluation}/sites", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, now["total"]!.GetValue<int>());
        var older = (await Get($"/api/evaluations/{other}/sites?knownAt=2018-01-01", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, older["total"]!.GetValue<int>());
    }
}
