using Fieldwork.Rules;
using Fieldwork.Timeline;
using FluentValidation;
using JasperFx.Events;

namespace Fieldwork.Links;

/// <summary>An informal tie between two sites, inside or outside the programme, from a date on.</summary>
public sealed record LinkFormed(Guid EvaluationId, Guid LinkId, Guid SiteAId, Guid SiteBId, DateOnly FormedOn, string? Note);

public sealed record FormLink(Guid? Id, Guid? SiteAId, Guid? SiteBId, DateOnly? FormedOn, [property: LongText] string? Note);

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

public sealed class FormLinkValidator : AbstractValidator<FormLink>
{
    public FormLinkValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.SiteAId).NotNull().NotEqual(Guid.Empty);
        RuleFor(x => x.SiteBId).NotNull().NotEqual(Guid.Empty);
        RuleFor(x => x.SiteBId).NotEqual(x => x.SiteAId).When(x => x.SiteAId is not null).WithMessage("A site cannot link to itself.");
        RuleFor(x => x.FormedOn).NotNull();
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}
