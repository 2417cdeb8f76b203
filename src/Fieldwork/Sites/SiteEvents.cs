namespace Fieldwork.Sites;

public enum SiteKind
{
    Acute,
    MentalHealth,
    Ambulance,
    Specialist,
    NationalBody,
    Vendor,
}

public enum ProgrammeRole
{
    Exemplar,
    Follower,
    Other,
}

public enum CaseDepth
{
    InDepth,
    Broader,
    None,
}

public enum SiteStatus
{
    Active,
    Withdrawn,
}

/// <summary>A participating organisation joined the evaluation, known by its pseudonym code.</summary>
public sealed record SiteEnrolled(
    Guid EvaluationId,
    Guid SiteId,
    string Code,
    SiteKind Kind,
    ProgrammeRole ProgrammeRole,
    string? Cohort,
    string? Region,
    string? EprSystem,
    CaseDepth CaseDepth,
    DateOnly EnrolledOn);

/// <summary>Some of a site's attributes changed from a date on (a new EPR system, a new cohort).</summary>
public sealed record SiteAttributesChanged(
    Guid EvaluationId,
    Guid SiteId,
    DateOnly EffectiveOn,
    SiteKind? Kind,
    ProgrammeRole? ProgrammeRole,
    string? Cohort,
    string? Region,
    string? EprSystem,
    CaseDepth? CaseDepth);

/// <summary>The site left the evaluation from a date on.</summary>
public sealed record SiteWithdrawn(Guid EvaluationId, Guid SiteId, DateOnly EffectiveOn, string Reason);
