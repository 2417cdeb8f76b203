using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Coding;

/// <summary>Codes the code points [start, end) of one text version; the coder is the caller.</summary>
public sealed record ApplyCoding(Guid? Id, Guid? CodeId, int? TextVersion, int? Start, int? End, [property: LongText] string? Note);

public sealed class ApplyCodingValidator : AbstractValidator<ApplyCoding>
{
    public ApplyCodingValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.CodeId).NotNull().NotEqual(Guid.Empty);
        RuleFor(x => x.TextVersion).NotNull().GreaterThanOrEqualTo(1);
        RuleFor(x => x.Start).NotNull().GreaterThanOrEqualTo(0);
        RuleFor(x => x.End).NotNull();
        RuleFor(x => x.End).GreaterThan(x => x.Start).When(x => x.Start is not null && x.End is not null)
            .WithMessage("'end' must be after 'start': a coding covers at least one character.");
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}
