namespace Fieldwork.Coverage;

/// <summary>What one site should have by the end of a wave: a target per kind of work, where one is set.</summary>
public sealed record SiteTargets(Guid SiteId, int? Visits, int? Interviews, int? Observations, int? Documents);

/// <summary>
/// A lead set (or replaced) what a wave should cover: the whole plan, every planned site with its
/// targets. A site left out of a later plan is no longer planned.
/// </summary>
public sealed record WavePlanSet(Guid EvaluationId, Guid WaveId, IReadOnlyList<SiteTargets> Sites);
