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
