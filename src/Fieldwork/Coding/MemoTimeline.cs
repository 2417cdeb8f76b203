using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Coding;

public sealed record MemoRecord(long Sequence, DateTimeOffset RecordedAt, string Text, string? By);

/// <summary>A memo as it stood at a cut.</summary>
public sealed record MemoState(Guid Id, MemoAbout AboutKind, Guid AboutId, string Text, string AuthorId, int Version,
    DateTimeOffset WrittenAt, DateTimeOffset RevisedAt, string? RevisedBy);

/// <summary>Every text a memo has had, each with its log position: the memo at any cut is the last text seen by then.</summary>
public sealed class MemoTimeline : IEventTimeline<MemoState>
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
