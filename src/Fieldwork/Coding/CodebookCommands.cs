using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Coding;

// Request bodies (all nullable) and, from Valid() once their validator has passed them, the commands
// the rules take: required values present, text trimmed (see EvaluationCommands.cs).

public sealed record DefineCode(Guid? Id, string? Name, Guid? ParentId, [property: LongText] string? Definition, string? Dimension)
{
    public NewCode Valid() => new(Name!.Trim(), ParentId, Definition!.Trim(), Dimension?.Trim());

    public static implicit operator NewCode(DefineCode request) => request.Valid();
}

/// <summary>A code to define, as its validator passed it.</summary>
public sealed record NewCode(string Name, Guid? ParentId, string Definition, string? Dimension);

public sealed record ReviseCode(int? ExpectedVersion, string? Name, [property: LongText] string? Definition, Guid? ParentId)
{
    public CodeRevision Valid() => new(ExpectedVersion!.Value, Name?.Trim(), Definition?.Trim(), ParentId);

    public static implicit operator CodeRevision(ReviseCode request) => request.Valid();
}

/// <summary>What to change of a code (none for what stays), at the version last read, as its validator passed it.</summary>
public sealed record CodeRevision(int ExpectedVersion, string? Name, string? Definition, Guid? ParentId);

public sealed record MergeCode(Guid? IntoCodeId)
{
    public CodeMerge Valid() => new(IntoCodeId!.Value);

    public static implicit operator CodeMerge(MergeCode request) => request.Valid();
}

/// <summary>The code to merge into, as its validator passed it.</summary>
public sealed record CodeMerge(Guid IntoCodeId);

public sealed record RetireCode(string? Reason)
{
    public CodeRetirement Valid() => new(Reason!.Trim());

    public static implicit operator CodeRetirement(RetireCode request) => request.Valid();
}

/// <summary>Why a code retires, as its validator passed it.</summary>
public sealed record CodeRetirement(string Reason);

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
