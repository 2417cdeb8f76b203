using Fieldwork.Access;
using Fieldwork.Rules;
using Fieldwork.Timeline;
using FluentValidation;
using JasperFx.Events;

namespace Fieldwork.Coding;

/// <summary>What a memo is about.</summary>
public enum MemoAbout
{
    Code,
    Evidence,
    Site,
    Pairing,
    Finding,
}

/// <summary>An analyst's (or fieldworker's) note about a code, an evidence item, a site, a pairing or a finding.</summary>
public sealed record MemoWritten(Guid EvaluationId, Guid MemoId, MemoAbout AboutKind, Guid AboutId, string Text, string AuthorId);

/// <summary>A memo's text was rewritten; earlier texts stay in the log.</summary>
public sealed record MemoRevised(Guid EvaluationId, Guid MemoId, string Text);

public sealed record MemoRecord(long Sequence, DateTimeOffset RecordedAt, string Text, string? By);

/// <summary>A memo as it stood at a cut.</summary>
public sealed record MemoState(Guid Id, MemoAbout AboutKind, Guid AboutId, string Text, string AuthorId, int Version,
    DateTimeOffset WrittenAt, DateTimeOffset RevisedAt, string? RevisedBy);

/// <summary>Every text a memo has had, each with its log position: the memo at any cut is the last text seen by then.</summary>
public sealed class MemoTimeline : IEventTimeline
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public MemoAbout AboutKind { get; set; }

    public Guid AboutId { get; set; }

    public string AuthorId { get; set; } = "";

    public List<MemoRecord> Records { get; set; } = [];

    public void Record(IEvent e)
    {
        switch (e.Data)
        {
            case MemoWritten x:
                (Id, EvaluationId, AboutKind, AboutId, AuthorId) = (x.MemoId, x.EvaluationId, x.AboutKind, x.AboutId, x.AuthorId);
                Records.Add(new MemoRecord(e.Sequence, e.RecordedAt(), x.Text, e.UserName));
                break;
            case MemoRevised x:
                Records.Add(new MemoRecord(e.Sequence, e.RecordedAt(), x.Text, e.UserName));
                break;
        }
    }

    /// <summary>The memo at the cut (written by the end of the asOf day and known by knownAt), or null if not yet written.</summary>
    public MemoState? AsOf(Cut cut)
    {
        var seen = Records.Where(r => cut.Saw(r.Sequence, r.RecordedAt)).ToList();
        return seen.Count == 0
            ? null
            : new MemoState(Id, AboutKind, AboutId, seen[^1].Text, AuthorId, seen.Count, seen[0].RecordedAt, seen[^1].RecordedAt, seen[^1].By);
    }
}

public sealed record WriteMemo(Guid? Id, MemoAbout? AboutKind, Guid? AboutId, [property: LongText] string? Text);

public sealed record ReviseMemo(int? ExpectedVersion, [property: LongText] string? Text);

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

public static class MemoRules
{
    public const int MaxLength = 100_000;

    /// <param name="aboutExists">Whether the thing the memo is about exists in this evaluation now.</param>
    public static Decision Write(Guid evaluationId, Guid memoId, string authorId, WriteMemo c, bool aboutExists) =>
        aboutExists
            ? Decision.Accept(new MemoWritten(evaluationId, memoId, c.AboutKind!.Value, c.AboutId!.Value, c.Text!.Trim(), authorId))
            : Rejection.Invalid("aboutId", $"There is no such {c.AboutKind.ToString()!.ToLowerInvariant()} in this evaluation.");

    /// <summary>Authors revise their own memos; leads any. expectedVersion is the version last read.</summary>
    public static Decision Revise(MemoTimeline memo, ReviseMemo c, string callerId, Role role)
    {
        if (memo.AuthorId != callerId && role != Role.Lead)
        {
            return Rejection.Forbidden("Only a memo's author, or a lead, may revise it.");
        }

        if (c.ExpectedVersion != memo.Records.Count)
        {
            return Rejection.Conflict($"The memo is at version {memo.Records.Count}, not {c.ExpectedVersion}; read it again and retry.");
        }

        return Decision.Accept(new MemoRevised(memo.EvaluationId, memo.Id, c.Text!.Trim()));
    }
}
