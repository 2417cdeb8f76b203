using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Coding;

// Request bodies (all nullable) and, from Valid() once their validator has passed them, the commands
// the rules take: required values present, text trimmed (see EvaluationCommands.cs).

public sealed record WriteMemo(Guid? Id, MemoAbout? AboutKind, Guid? AboutId, [property: LongText] string? Text)
{
    public NewMemo Valid() => new(AboutKind!.Value, AboutId!.Value, Text!.Trim());

    public static implicit operator NewMemo(WriteMemo request) => request.Valid();
}

/// <summary>A memo to write about something of the evaluation, as its validator passed it.</summary>
public sealed record NewMemo(MemoAbout AboutKind, Guid AboutId, string Text);

public sealed record ReviseMemo(int? ExpectedVersion, [property: LongText] string? Text)
{
    public MemoRevision Valid() => new(ExpectedVersion!.Value, Text!.Trim());

    public static implicit operator MemoRevision(ReviseMemo request) => request.Valid();
}

/// <summary>A memo's new text, at the version last read, as its validator passed it.</summary>
public sealed record MemoRevision(int ExpectedVersion, string Text);

public sealed class WriteMemoValidator : AbstractValidator<WriteMemo>
{
    public WriteMemoValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.AboutKind).NotNull().IsInEnum();
        RuleFor(x => x.AboutId).NotNull().NotEqual(Guid.Empty);
        RuleFor(x => x.Text).NotEmpty().MaximumLength(MemoRules.MaxLength);
    }
}

public sealed class ReviseMemoValidator : AbstractValidator<ReviseMemo>
{
    public ReviseMemoValidator()
    {
        RuleFor(x => x.ExpectedVersion).NotNull().GreaterThanOrEqualTo(1);
        RuleFor(x => x.Text).NotEmpty().MaximumLength(MemoRules.MaxLength);
    }
}
