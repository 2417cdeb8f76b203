namespace Fieldwork.Visits;

/// <summary>
/// A fieldworker's trip to one or more sites over a day or more, usually in a wave, logged
/// (often days later) with the items collected on it; each item's logged event names the visit.
/// </summary>
public sealed record VisitLogged(
    Guid EvaluationId,
    Guid VisitId,
    IReadOnlyList<Guid> SiteIds,
    DateOnly StartsOn,
    DateOnly EndsOn,
    Guid? WaveId,
    IReadOnlyList<string> FieldworkerIds,
    string? Purpose,
    string? Notes);
