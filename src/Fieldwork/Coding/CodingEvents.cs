namespace Fieldwork.Coding;

/// <summary>
/// A coder applied a code to the code points [Start, End) of one text version of an evidence
/// item. Recorded on the evidence item's stream; the coder is the caller.
/// </summary>
public sealed record CodingApplied(
    Guid EvaluationId,
    Guid EvidenceId,
    Guid CodingId,
    Guid CodeId,
    int TextVersion,
    int Start,
    int End,
    string CoderId,
    string? Note);

/// <summary>A coding was taken back; replays before this record still show it.</summary>
public sealed record CodingRemoved(Guid EvaluationId, Guid EvidenceId, Guid CodingId);

/// <summary>One coding as recorded, with the log positions and times of its application and (if any) removal.</summary>
public sealed record CodingRecord(
    Guid Id,
    Guid CodeId,
    int TextVersion,
    int Start,
    int End,
    string CoderId,
    string? Note,
    long AppliedSequence,
    DateTimeOffset AppliedAt,
    long? RemovedSequence = null,
    DateTimeOffset? RemovedAt = null,
    string? RemovedBy = null,
    DateTimeOffset? CreatedAt = null)
{
    /// <summary>The event header that keeps when an imported coding was made in the tool it came from.</summary>
    public const string CreatedAtHeader = "createdAt";

    /// <summary>Applied, and not yet removed, at the cut.</summary>
    public bool LiveAt(Timeline.Cut cut) =>
        cut.Saw(AppliedSequence, AppliedAt)
        && !(RemovedSequence is { } removed && cut.Saw(removed, RemovedAt!.Value));

    public int Characters => End - Start;
}
