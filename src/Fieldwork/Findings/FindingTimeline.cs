using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Findings;

/// <summary>A coding or memo linked to a finding.</summary>
public sealed record FindingLink(Guid ItemId, FindingItemKind Kind, Stance Stance, DateTimeOffset LinkedAt, string? LinkedBy);

/// <summary>One version of a finding: what changed, by whom, when.</summary>
public sealed record FindingVersion(int Version, string Change, string Statement, FindingStatus Status, DateTimeOffset RecordedAt,
    string? By, string? Note);

/// <summary>A finding as it stood at a cut.</summary>
public sealed record FindingState(
    Guid Id,
    string Statement,
    IReadOnlyList<Guid> SiteIds,
    IReadOnlyList<Guid> PairingIds,
    IReadOnlyList<Guid> WaveIds,
    FindingStatus Status,
    IReadOnlyList<FindingLink> Evidence,
    int Version,
    IReadOnlyList<FindingVersion> History)
{
    public bool IsClosed => Status is FindingStatus.Reported or FindingStatus.Retracted;
}

/// <summary>One recorded change of a finding (exactly one of the five), with its log position, time and author.</summary>
public sealed record FindingRecord(
    long Sequence,
    DateTimeOffset RecordedAt,
    string? By,
    FindingDrafted? Drafted = null,
    FindingRevised? Revised = null,
    FindingEvidenceLinked? Linked = null,
    FindingEvidenceUnlinked? Unlinked = null,
    FindingStatusChanged? StatusChanged = null);

/// <summary>Every record of a finding, so that it reads as it stood at any cut (an act of analysis: in force when recorded).</summary>
public sealed class FindingTimeline : IEventTimeline<FindingState>
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public List<FindingRecord> Records { get; set; } = [];

    public void Record(IEvent e)
    {
        if (e.Data is FindingDrafted drafted)
        {
            (Id, EvaluationId) = (drafted.FindingId, drafted.EvaluationId);
        }

        Records.Add(new FindingRecord(e.Sequence, e.RecordedAt(), e.UserName, e.Data as FindingDrafted, e.Data as FindingRevised,
            e.Data as FindingEvidenceLinked, e.Data as FindingEvidenceUnlinked, e.Data as FindingStatusChanged));
    }

    /// <summary>The finding as it stood after every record, now.</summary>
    public FindingState? Current => Fold(Records);

    public FindingState? AsOf(Cut cut) => Fold(Records.Where(r => cut.Saw(r.Sequence, r.RecordedAt)));

    private static FindingState? Fold(IEnumerable<FindingRecord> records)
    {
        FindingState? state = null;
        foreach (var r in records)
        {
            if (r.Drafted is { } d)
            {
                state = new FindingState(d.FindingId, d.Statement, d.SiteIds, d.PairingIds, d.WaveIds, FindingStatus.Draft, [], 0, []);
                state = Next(state, r, "drafted", null);
                continue;
            }

            if (state is null)
            {
                continue;
            }

            state = r switch
            {
                { Revised: { } x } => Next(state with { Statement = x.Statement }, r, "revised", null),
                { Linked: { } x } => Next(state with { Evidence = Link(state.Evidence, x, r) }, r, "evidenceLinked", null),
                { Unlinked: { } x } => Next(state with { Evidence = [.. state.Evidence.Where(l => l.ItemId != x.ItemId)] }, r, "evidenceUnlinked", null),
                { StatusChanged: { } x } => Next(state with { Status = x.To }, r, "status", x.Note),
                _ => state,
            };
        }

        return state;
    }

    private static FindingState Next(FindingState state, FindingRecord r, string change, string? note)
    {
        var version = state.Version + 1;
        return state with
        {
            Version = version,
            History = [.. state.History, new FindingVersion(version, change, state.Statement, state.Status, r.RecordedAt, r.By, note)],
        };
    }

    private static IReadOnlyList<FindingLink> Link(IReadOnlyList<FindingLink> links, FindingEvidenceLinked x, FindingRecord r)
    {
        var added = x.CodingIds.Select(id => new FindingLink(id, FindingItemKind.Coding, x.Stance, r.RecordedAt, r.By))
            .Concat(x.MemoIds.Select(id => new FindingLink(id, FindingItemKind.Memo, x.Stance, r.RecordedAt, r.By)))
            .ToList();
        var replaced = added.Select(a => a.ItemId).ToHashSet();
        return [.. links.Where(l => !replaced.Contains(l.ItemId)), .. added];
    }
}
