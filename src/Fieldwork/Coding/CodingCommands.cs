using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Coding;

/// <summary>Codes the code points [start, end) of one text version; the coder is the caller.</summary>
public sealed record ApplyCoding(Guid? Id, Guid? CodeId, int? TextVersion, int? Start, int? End, [property: LongText] string? Note)
{
    public NewCoding Valid() => new(CodeId!.Value, TextVersion!.Value, Start!.Value, End!.Value, Input.Clean(Note));

    public static implicit operator NewCoding(ApplyCoding request) => request.Valid();
}

/// <summary>A coding to apply, as its validator passed it: a code on [start, end) of a text version, with a note or none.</summary>
public sealed record NewCoding(Guid CodeId, int TextVersion, int Start, int End, string? Note);

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
