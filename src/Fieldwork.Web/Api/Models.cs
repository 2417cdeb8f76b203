using System.Globalization;

namespace Fieldwork.Web.Api;

// The API's answers, as far as the UI reads them (docs/api.md); enums stay the API's strings.

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit);

public sealed record Wave(Guid Id, string Name, DateOnly StartsOn, DateOnly EndsOn);

public sealed record Evaluation(Guid Id, string Name, DateOnly StartsOn, DateOnly? EndsOn, string? Description, IReadOnlyList<Wave> Waves,
    string Role, int Version)
{
    public bool IsLead => Role == "lead";

    /// <summary>Codebook, codings, findings: leads and analysts.</summary>
    public bool MayAnalyse => Role is "lead" or "analyst";

    /// <summary>The audit log and the chain: leads and auditors.</summary>
    public bool MayAudit => Role is "lead" or "auditor";

    /// <summary>A finding's provenance: leads, analysts and auditors.</summary>
    public bool MayReadProvenance => Role is "lead" or "analyst" or "auditor";

    /// <summary>The last day of the evaluation, or today for one without an end.</summary>
    public DateOnly LastDay => EndsOn ?? Dates.Today;
}

public sealed record Counts(int Interviews, int Observations, int Documents, int ObservedMinutes, int Codings);

public sealed record Site(Guid Id, string Code, string Kind, string ProgrammeRole, string? Cohort, string? Region, string? EprSystem,
    string CaseDepth, string Status, DateOnly EnrolledOn, DateOnly? WithdrawnOn, int Version, Counts Counts, int Visits, DateOnly? LastVisitedOn);

public sealed record Alignment(DateOnly AssessedOn, bool SameSystem, bool SameRegion, decimal? DistanceKm, bool PriorLinks, int CulturalFit, string? Note);

public sealed record Exchanges(int ExemplarToFollower, int FollowerToExemplar, int Mutual, int Formal, int Informal)
{
    public int Total => ExemplarToFollower + FollowerToExemplar + Mutual;
}

public sealed record Pairing(Guid Id, Guid ExemplarSiteId, string ExemplarSiteCode, Guid FollowerSiteId, string FollowerSiteCode, string Status,
    DateOnly ProposedOn, DateOnly? EstablishedOn, DateOnly? DissolvedOn, Alignment? Alignment, Exchanges Exchanges, string Flow, int Version, Counts Counts);

public sealed record Link(Guid Id, Guid SiteAId, Guid SiteBId, DateOnly FormedOn, string? Note, int Version);

public sealed record State(string AsOf, DateTimeOffset? KnownAt, Counts Counts, IReadOnlyList<Site> Sites, IReadOnlyList<Pairing> Pairings);

/// <summary>Dates as the API writes them, yyyy-MM-dd.</summary>
public static class Dates
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Iso(DateOnly? date) => date is { } d ? Iso(d) : null;

    public static DateOnly? Parse(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>An instant, shortened for a table: 2019-04-15 09:30 UTC.</summary>
    public static string Instant(DateTimeOffset? at) =>
        at is { } a ? a.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";
}
