using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Fieldwork.Coding;

/// <summary>Where a coding lives: codings are events of their evidence item's stream, and findings name them by id alone.</summary>
public sealed class CodingLocator
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public Guid EvidenceId { get; set; }
}

/// <summary>Keeps a locator per coding, inline, whoever appends the coding.</summary>
public partial class CodingLocatorProjection : EventProjection
{
    public void Project(IEvent<CodingApplied> e, IDocumentOperations operations) =>
        operations.Store(new CodingLocator { Id = e.Data.CodingId, EvaluationId = e.Data.EvaluationId, EvidenceId = e.Data.EvidenceId });
}
