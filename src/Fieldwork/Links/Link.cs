using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Links;

/// <summary>A link as recorded, with the log position that recorded it.</summary>
public sealed class Link
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public Guid SiteAId { get; set; }

    public Guid SiteBId { get; set; }

    public DateOnly FormedOn { get; set; }

    public string? Note { get; set; }

    public long Sequence { get; set; }

    public int Version { get; set; }

    public static Link Create(IEvent<LinkFormed> e) => new()
    {
        Id = e.Data.LinkId,
        EvaluationId = e.Data.EvaluationId,
        SiteAId = e.Data.SiteAId,
        SiteBId = e.Data.SiteBId,
        FormedOn = e.Data.FormedOn,
        Note = e.Data.Note,
        Sequence = e.Sequence,
    };

    /// <summary>Whether the link stood at the cut: formed by its date and recorded by its knowledge.</summary>
    public bool StoodAt(Cut cut) => cut.Knows(Sequence) && FormedOn <= cut.AsOf;
}
