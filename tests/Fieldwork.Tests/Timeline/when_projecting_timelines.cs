using Fieldwork.Coding;
using Fieldwork.Participants;
using Fieldwork.Tests.Infrastructure;
using Fieldwork.Visits;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Timeline;

/// <summary>
/// What the inline timeline projections do with an event where no feature writes one: the
/// dispatch Marten generated for conventional Create/Apply methods, kept when every projection
/// took one shape (issue 22). A stream's first event starts its timeline whether it creates or
/// records; on a timeline that exists, only the events it records are recorded.
/// </summary>
public sealed class when_projecting_timelines(AppFixture app) : ApiTest(app)
{
    private IDocumentStore Store => App.Host.Services.GetRequiredService<IDocumentStore>();

    [Fact]
    public async Task a_recorded_event_on_a_stream_without_its_timeline_starts_one()
    {
        var codebook = Guid.NewGuid();
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream<Codebook>(codebook, new CodeRevised(Guid.NewGuid(), Guid.NewGuid(), "renamed", null, null));
            await session.SaveChangesAsync();
        }

        await using var query = Store.QuerySession();
        var timeline = await query.LoadAsync<Codebook>(codebook);
        Assert.NotNull(timeline);
        Assert.Equal(codebook, timeline.Id);
        Assert.Equal(["renamed"], timeline.Records.Select(r => r.Revised!.Name));
    }

    [Fact]
    public async Task a_creating_event_on_a_timeline_that_exists_is_recorded_only_where_it_also_records()
    {
        var evaluation = Guid.NewGuid();
        var visit = Guid.NewGuid();
        var codebook = Guid.NewGuid();
        VisitLogged Visit(string purpose) => new(evaluation, visit, [Guid.NewGuid()], new(2020, 1, 1), new(2020, 1, 1), null, ["fieldworker"], purpose, null);
        CodeDefined Code(string name) => new(evaluation, Guid.NewGuid(), name, "a code", null, null);
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream<VisitTimeline>(visit, Visit("first"));
            session.Events.StartStream<Codebook>(codebook, Code("first"));
            await session.SaveChangesAsync();
        }

        await using (var session = Store.LightweightSession())
        {
            session.Events.Append(visit, Visit("second"));
            session.Events.Append(codebook, Code("second"));
            await session.SaveChangesAsync();
        }

        await using var query = Store.QuerySession();
        Assert.Equal("first", (await query.LoadAsync<VisitTimeline>(visit))!.Purpose);
        Assert.Equal(["first", "second"], (await query.LoadAsync<Codebook>(codebook))!.Records.Select(r => r.Defined!.Name));
    }

    [Fact]
    public async Task an_event_a_projection_does_not_take_leaves_its_timeline_as_it_was()
    {
        var evaluation = Guid.NewGuid();
        var participant = Guid.NewGuid();
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream<ParticipantTimeline>(participant, new ParticipantRegistered(evaluation, participant, "P-1", "nurse", null,
                new ConsentScope(true, true, true, false, LawfulBasis.Consent, "v1"), null));
            await session.SaveChangesAsync();
        }

        await using (var session = Store.LightweightSession())
        {
            session.Events.Append(participant, new PersonalDetailsRead(evaluation, participant, "lead"));
            await session.SaveChangesAsync();
        }

        await using var query = Store.QuerySession();
        Assert.Single((await query.LoadAsync<ParticipantTimeline>(participant))!.Sequences);
    }
}
