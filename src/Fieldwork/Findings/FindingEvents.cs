namespace Fieldwork.Findings;

public enum FindingStatus
{
    Draft,
    UnderReview,
    Accepted,
    Reported,
    Retracted,
}

public enum Stance
{
    Supporting,
    Contrary,
}

public enum FindingItemKind
{
    Coding,
    Memo,
}

/// <summary>A claim the evaluation makes, with its scope.</summary>
public sealed record FindingDrafted(Guid EvaluationId, Guid FindingId, string Statement, IReadOnlyList<Guid> SiteIds,
    IReadOnlyList<Guid> PairingIds, IReadOnlyList<Guid> WaveIds);

/// <summary>The statement was rewritten.</summary>
public sealed record FindingRevised(Guid EvaluationId, Guid FindingId, string Statement);

/// <summary>Codings and memos were linked as supporting or contrary evidence (a link already there takes the new stance).</summary>
public sealed record FindingEvidenceLinked(Guid EvaluationId, Guid FindingId, Stance Stance, IReadOnlyList<Guid> CodingIds,
    IReadOnlyList<Guid> MemoIds);

/// <summary>A coding or memo no longer bears on the finding.</summary>
public sealed record FindingEvidenceUnlinked(Guid EvaluationId, Guid FindingId, Guid ItemId);

/// <summary>The finding moved through its review, with a note.</summary>
public sealed record FindingStatusChanged(Guid EvaluationId, Guid FindingId, FindingStatus From, FindingStatus To, string? Note);
