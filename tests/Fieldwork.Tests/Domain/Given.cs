using Fieldwork.Evaluations;
using Fieldwork.Sites;
using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Tests.Domain;

/// <summary>Domain state for the host-free rules tests: an evaluation and timelines folded from events, as the projections fold them.</summary>
internal static class Given
{
    /// <summary>An evaluation from 2016-09-01 to 2021-09-30, led by "lead", with these waves.</summary>
    public static Evaluation Study(Guid evaluationId, params WaveDefined[] waves)
    {
        var evaluation = Evaluation.Create(new EvaluationCreated(evaluationId, "GDE", new(2016, 9, 1), new(2021, 9, 30), null, "lead"));
        foreach (var wave in waves)
        {
            evaluation.Apply(wave);
        }

        return evaluation;
    }

    /// <summary>A timeline folded from its stream's events, numbered 1, 2, ... in the log and recorded by <paramref name="by"/>.</summary>
    public static T Fold<T>(Guid streamId, string? by, params object[] events) where T : IEventTimeline, new() =>
        Timelines.Fold<T>(events.Select((data, i) => (IEvent)new Event<object>(data)
        {
            Sequence = i + 1,
            StreamId = streamId,
            UserName = by,
            Timestamp = DateTimeOffset.UnixEpoch,
        }));

    /// <summary>A site enrolled on a date in a programme role, then whatever else happened to it.</summary>
    public static SiteTimeline Site(Guid evaluationId, Guid siteId, string code, ProgrammeRole role, DateOnly enrolledOn, params object[] more) =>
        Fold<SiteTimeline>(siteId, "lead",
            [new SiteEnrolled(evaluationId, siteId, code, SiteKind.Acute, role, "2016", "North", "EPR-A", CaseDepth.InDepth, enrolledOn), .. more]);
}
