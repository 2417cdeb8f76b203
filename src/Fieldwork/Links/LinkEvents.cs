namespace Fieldwork.Links;

/// <summary>An informal tie between two sites, inside or outside the programme, from a date on.</summary>
public sealed record LinkFormed(Guid EvaluationId, Guid LinkId, Guid SiteAId, Guid SiteBId, DateOnly FormedOn, string? Note);
