using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Coding;

public sealed record DefineCode(Guid? Id, string? Name, Guid? ParentId, [property: LongText] string? Definition, string? Dimension);

public sealed record ReviseCode(int? ExpectedVersion, string? Name, [property: LongText] string? Definition, Guid? ParentId);

public sealed record MergeCode(Guid? IntoCodeId);

public sealed record RetireCode(string? Reason);

public sealed class DefineCodeValidator : AbstractValidator<DefineCode>
{
    public DefineCodeValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Definition).NotEmpty().MaximumLength(10000);
        RuleFor(x => x.Dimension).MaximumLength(100);
        RuleFor(x => x.ParentId).NotEqual(Guid.Empty);
    }
}

public sealed class ReviseCodeValidator : AbstractValidator<ReviseCode>
{
    public ReviseCodeValidator()
    {
        RuleFor(x => x.ExpectedVersion).NotNull().GreaterThanOrEqualTo(1);
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200).When(x => x.Name is not null);
        RuleFor(x => x.Definition).NotEmpty().MaximumLength(10000).When(x => x.Definition is not null);
        RuleFor(x => x.ParentId).NotEqual(Guid.Empty);
        RuleFor(x => x).Must(x => x.Name is not null || x.Definition is not null || x.ParentId is not null)
            .OverridePropertyName("body").WithMessage("Give at least one of name, definition, parentId.");
    }
}

public sealed class MergeCodeValidator : AbstractValidator<MergeCode>
{
    public MergeCodeValidator() => RuleFor(x => x.IntoCodeId).NotNull().NotEqual(Guid.Empty);
}

public sealed class RetireCodeValidator : AbstractValidator<RetireCode>
{
    public RetireCodeValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(2000);
}
