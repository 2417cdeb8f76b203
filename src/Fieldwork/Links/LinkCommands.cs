using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Links;

public sealed record FormLink(Guid? Id, Guid? SiteAId, Guid? SiteBId, DateOnly? FormedOn, [property: LongText] string? Note);

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
