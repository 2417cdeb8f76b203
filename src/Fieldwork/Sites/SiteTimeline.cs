using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Sites;

public enum SiteChange
{
    Enrolled,
    AttributesChanged,
    Withdrawn,
}

/// <summary>One dated fact about a site, with the log position that recorded it.</summary>
public sealed record SiteFact(
    long Sequence,
    DateOnly On,
    SiteChange Type,
    SiteKind? Kind = null,
    ProgrammeRole? ProgrammeRole = null,
    string? Cohort = null,
    string? Region = null,
    string? EprSystem = null,
    CaseDepth? CaseDepth = null,
    string? Reason = null);

/// <summary>A site as it stood at a cut of the two timelines.</summary>
public sealed record SiteState(
    Guid Id,
    string Code,
    SiteKind Kind,
    ProgrammeRole ProgrammeRole,
    string? Cohort,
    string? Region,
    string? EprSystem,
    CaseDepth CaseDepth,
    SiteStatus Status,
    DateOnly EnrolledOn,
    DateOnly? WithdrawnOn,
    int Version);

/// <summary>
/// Everything recorded about one site, as dated facts tagged with their log position. The same
/// <see cref="Record"/> builds it inline (the served read model) and from raw events (the
/// reference fold), and the same <see cref="AsOf"/> answers for any (asOf, knownAt): facts
/// recorded by knownAt, dated on or before asOf, applied in date order, ties in log order.
/// </summary>
public sealed class SiteTimeline : IEventTimeline
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public string Code { get; set; } = "";

    public List<SiteFact> Facts { get; set; } = [];

    public List<long> Sequences { get; set; } = [];

    public void Record(IEvent e)
    {
        Sequences.Add(e.Sequence);
        switch (e.Data)
        {
            case SiteEnrolled x:
                Id = x.SiteId;
                EvaluationId = x.EvaluationId;
                Code = x.Code;
                Facts.Add(new SiteFact(e.Sequence, x.EnrolledOn, SiteChange.Enrolled, x.Kind, x.ProgrammeRole, x.Cohort, x.Region,
                    x.EprSystem, x.CaseDepth));
                break;
            case SiteAttributesChanged x:
                Facts.Add(new SiteFact(e.Sequence, x.EffectiveOn, SiteChange.AttributesChanged, x.Kind, x.ProgrammeRole, x.Cohort,
                    x.Region, x.EprSystem, x.CaseDepth));
                break;
            case SiteWithdrawn x:
                Facts.Add(new SiteFact(e.Sequence, x.EffectiveOn, SiteChange.Withdrawn, Reason: x.Reason));
                break;
        }
    }

    /// <summary>The site at the cut, or null if it was not enrolled then (or not yet known to be).</summary>
    public SiteState? AsOf(Cut cut)
    {
        SiteState? state = null;
        foreach (var fact in Facts.Where(f => cut.Knows(f.Sequence) && f.On <= cut.AsOf).OrderBy(f => f.On).ThenBy(f => f.Sequence))
        {
            state = fact.Type switch
            {
                SiteChange.Enrolled => new SiteState(Id, Code, fact.Kind!.Value, fact.ProgrammeRole!.Value, fact.Cohort, fact.Region,
                    fact.EprSystem, fact.CaseDepth!.Value, SiteStatus.Active, fact.On, null, 0),
                SiteChange.AttributesChanged when state is not null => state with
                {
                    Kind = fact.Kind ?? state.Kind,
                    ProgrammeRole = fact.ProgrammeRole ?? state.ProgrammeRole,
                    Cohort = fact.Cohort ?? state.Cohort,
                    Region = fact.Region ?? state.Region,
                    EprSystem = fact.EprSystem ?? state.EprSystem,
                    CaseDepth = fact.CaseDepth ?? state.CaseDepth,
                },
                SiteChange.Withdrawn when state is not null => state with { Status = SiteStatus.Withdrawn, WithdrawnOn = fact.On },
                _ => state,
            };
        }

        return state is null ? null : state with { Version = Sequences.VersionKnownAt(cut.KnownUpTo) };
    }

    /// <summary>Today's knowledge of the enrolment date (rules check changes against it).</summary>
    public DateOnly EnrolledOn => Facts.First(f => f.Type == SiteChange.Enrolled).On;

    public SiteFact? Withdrawal => Facts.FirstOrDefault(f => f.Type == SiteChange.Withdrawn);
}
