using Fieldwork.Evidence;
using Fieldwork.Sites;

namespace Fieldwork.Api.Sites;


public sealed record SiteView(
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
    int Version,
    EvidenceCounts Counts,
    IReadOnlyList<WaveCounts> CountsByWave,
    int Visits,
    DateOnly? LastVisitedOn)
{
    /// <summary>The site with what was collected there, and the visits it had, counted at the same cut.</summary>
    public static SiteView From(SiteState s, EvidenceTally tally)
    {
        var (visits, lastVisitedOn) = tally.VisitsTo(s.Id);
        return new(s.Id, s.Code, s.Kind, s.ProgrammeRole, s.Cohort, s.Region, s.EprSystem, s.CaseDepth, s.Status, s.EnrolledOn,
            s.WithdrawnOn, s.Version, tally.ForSite(s.Id), tally.ByWave(s.Id), visits, lastVisitedOn);
    }
}

/// <summary>One recorded change of a stream, with both of its times.</summary>
public sealed record HistoryEntry(
    long Sequence,
    long Version,
    string Type,
    DateOnly? OccurredOn,
    DateTimeOffset RecordedAt,
    string? RecordedBy,
    object Change);
