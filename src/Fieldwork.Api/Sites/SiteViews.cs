using Fieldwork.Sites;

namespace Fieldwork.Api.Sites;

/// <summary>What was collected at a site as of the same time (filled by the evidence feature).</summary>
public sealed record SiteCounts(int Interviews, int Observations, int Documents, int ObservedMinutes, int Codings)
{
    public static readonly SiteCounts None = new(0, 0, 0, 0, 0);
}

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
    SiteCounts Counts)
{
    public static SiteView From(SiteState s) => new(s.Id, s.Code, s.Kind, s.ProgrammeRole, s.Cohort, s.Region, s.EprSystem,
        s.CaseDepth, s.Status, s.EnrolledOn, s.WithdrawnOn, s.Version, SiteCounts.None);
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
