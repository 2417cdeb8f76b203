using Fieldwork.Access;
using Fieldwork.Rules;

namespace Fieldwork.Coding;

public static class MemoRules
{
    public const int MaxLength = 100_000;

    /// <param name="aboutExists">Whether the thing the memo is about exists in this evaluation now.</param>
    public static Decision Write(Guid evaluationId, Guid memoId, string authorId, NewMemo c, bool aboutExists) =>
        aboutExists
            ? Decision.Accept(new MemoWritten(evaluationId, memoId, c.AboutKind, c.AboutId, c.Text, authorId))
            : Rejection.Invalid("aboutId", $"There is no such {c.AboutKind.ToString().ToLowerInvariant()} in this evaluation.");

    /// <summary>Authors revise their own memos; leads any. expectedVersion is the version last read.</summary>
    public static Decision Revise(MemoTimeline memo, MemoRevision c, string callerId, Role role)
    {
        if (memo.AuthorId != callerId && role != Role.Lead)
        {
            return Rejection.Forbidden("Only a memo's author, or a lead, may revise it.");
        }

        if (c.ExpectedVersion != memo.Records.Count)
        {
            return Rejection.Conflict($"The memo is at version {memo.Records.Count}, not {c.ExpectedVersion}; read it again and retry.");
        }

        return Decision.Accept(new MemoRevised(memo.EvaluationId, memo.Id, c.Text));
    }
}
