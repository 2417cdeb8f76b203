using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Links;

// The request body (all nullable) and, from Valid() once its validator has passed it, the command the
// rules take: required values present, text trimmed, blanks as none (see EvaluationCommands.cs).

public sealed record FormLink(Guid? Id, Guid? SiteAId, Guid? SiteBId, DateOnly? FormedOn, [property: LongText] string? Note)
{
    public NewLink Valid() => new(SiteAId!.Value, SiteBId!.Value, FormedOn!.Value, Input.Clean(Note));

    public static implicit operator NewLink(FormLink request) => request.Valid();
}

/// <summary>A tie between two sites to record, as its validator passed it.</summary>
public sealed record NewLink(Guid SiteAId, Guid SiteBId, DateOnly FormedOn, string? Note);

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
