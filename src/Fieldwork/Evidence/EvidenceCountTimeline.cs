using Fieldwork.Coding;
using Fieldwork.Timeline;
using JasperFx.Events;
using Marten;

namespace Fieldwork.Evidence;

/// <summary>What one evidence item counts for at a cut: its kind, where and when the record in force puts it, its live codings.</summary>
public sealed record CountedItem(EvidenceKind Kind, DateOnly On, Guid? WaveId, IReadOnlyList<Guid> SiteIds, Guid? PairingId, int ObservedMinutes, int Codings)
{
    /// <summary>What logged (or corrected) details count for, with so many live codings: only an observation's minutes are observed minutes.</summary>
    public static CountedItem Of(EvidenceDetails details, int codings = 0) => new(details.Kind, details.On, details.WaveId, details.SiteIds, details.PairingId,
        details.Kind == EvidenceKind.Observation ? details.DurationMinutes ?? 0 : 0, codings);

    /// <summary>The same, from the item's full state (what the counts were computed from before they had a read model of their own).</summary>
    public static CountedItem Of(EvidenceState item) => Of(item.Details, item.Codings.Count);

    /// <summary>What a correction changes of it (as <see cref="EvidenceDetails.Correct"/> does: only what it names).</summary>
    public CountedItem Correct(EvidenceCorrected c) => this with
    {
        On = c.OccurredOn ?? On,
        WaveId = c.WaveId ?? WaveId,
        SiteIds = c.SiteIds ?? SiteIds,
        PairingId = c.PairingId ?? PairingId,
        ObservedMinutes = Kind == EvidenceKind.Observation ? c.DurationMinutes ?? ObservedMinutes : 0,
    };
}

/// <summary>Where and when one record (the logging, or a correction) puts the item, from its position in the log on.</summary>
public sealed record CountedRecord(long Sequence, CountedItem Item);

/// <summary>
/// An evidence item reduced to what counting it needs, kept inline beside its full timeline: each
/// record's kind, date, wave, sites, pairing and observed minutes, the void, and of its codings only
/// their log positions and record days (a coding counts at a cut when the cut knows it and it was
/// recorded by the end of the cut's date). Site, pairing, evaluation, state and coverage reads count
/// from these small documents and never load the items' codings.
/// </summary>
public sealed class EvidenceCountTimeline : IEventTimeline
{
    // Codings are most of an item's events and every count reads them, so they are packed as
    // varints (base64 in the document), one entry per coding applied or removed: the log position
    // as a delta from the previous entry's, doubled, plus one for a removal; then the record day as
    // a zigzag delta from the previous entry's. A few bytes a coding, a fifth of plain JSON.
    private List<byte> codings = [];

    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public List<CountedRecord> Records { get; set; } = [];

    public long? VoidedSequence { get; set; }

    /// <summary>The codings applied and removed, packed (see above).</summary>
    public byte[] PackedCodings
    {
        get => [.. codings];
        set => codings = [.. value];
    }

    public long LastCodingSequence { get; set; }

    public int LastCodingDay { get; set; }

    public void Record(IEvent e)
    {
        if (EvidenceTimeline.Logged(e.Data) is var (logged, evaluationId))
        {
            Id = e.StreamId;
            EvaluationId = evaluationId;
            Records.Add(new CountedRecord(e.Sequence, CountedItem.Of(logged)));
            return;
        }

        switch (e.Data)
        {
            case EvidenceCorrected x when Records.Count > 0:
                Records.Add(new CountedRecord(e.Sequence, Records[^1].Item.Correct(x)));
                break;
            case EvidenceVoided when VoidedSequence is null:
                VoidedSequence = e.Sequence;
                break;
            case CodingApplied:
                Pack(e.Sequence, e.RecordedAt(), removed: false);
                break;
            case CodingRemoved:
                // The rules remove only a live coding of this item, once.
                Pack(e.Sequence, e.RecordedAt(), removed: true);
                break;
        }
    }

    /// <summary>The item at the cut (as <see cref="EvidenceTimeline.AsOf"/> has it), or null when it had not happened, was not yet recorded, or was voided.</summary>
    public CountedItem? AsOf(Cut cut)
    {
        if (VoidedSequence is { } voided && cut.Knows(voided))
        {
            return null;
        }

        var record = Records.LastOrDefault(r => cut.Knows(r.Sequence))?.Item;
        if (record is null || record.On > cut.AsOf)
        {
            return null;
        }

        var lastDay = cut.AsOf == DateOnly.MaxValue ? int.MaxValue : cut.AsOf.DayNumber;
        var live = 0;
        long sequence = 0;
        long day = 0;
        for (var at = 0; at < codings.Count;)
        {
            var step = Varint.Read(codings, ref at);
            var dayStep = Varint.Read(codings, ref at);
            sequence += step >> 1;
            day += (dayStep >> 1) ^ -(dayStep & 1);
            if (sequence <= cut.KnownUpTo && day <= lastDay)
            {
                live += (step & 1) == 0 ? 1 : -1;
            }
        }

        return record with { Codings = live };
    }

    /// <summary>
    /// The same facts taken from an item's full timeline, which holds them all (its records, its void,
    /// each coding's positions and record times): how a store kept before this read model gets it
    /// without replaying the log.
    /// </summary>
    public static EvidenceCountTimeline From(EvidenceTimeline timeline)
    {
        var counted = new EvidenceCountTimeline { Id = timeline.Id, EvaluationId = timeline.EvaluationId, VoidedSequence = timeline.VoidedSequence };
        counted.Records.AddRange(timeline.Records.Select(r => new CountedRecord(r.Sequence, CountedItem.Of(r.Details))));
        var marks = timeline.Codings.Select(c => (Sequence: c.AppliedSequence, At: c.AppliedAt, Removed: false))
            .Concat(timeline.Codings.Where(c => c.RemovedSequence is not null).Select(c => (Sequence: c.RemovedSequence!.Value, At: c.RemovedAt!.Value, Removed: true)))
            .OrderBy(m => m.Sequence);
        foreach (var (sequence, at, removed) in marks)
        {
            counted.Pack(sequence, at, removed);
        }

        return counted;
    }

    private void Pack(long sequence, DateTimeOffset recordedAt, bool removed)
    {
        var day = DateOnly.FromDateTime(recordedAt.UtcDateTime).DayNumber;
        var dayStep = (long)(day - LastCodingDay);
        Varint.Write(codings, ((sequence - LastCodingSequence) << 1) | (removed ? 1L : 0L));
        Varint.Write(codings, (dayStep << 1) ^ (dayStep >> 63));
        (LastCodingSequence, LastCodingDay) = (sequence, day);
    }
}

/// <summary>Fills <see cref="EvidenceCountTimeline"/> for items recorded before it existed, from their full timelines.</summary>
public static class EvidenceCountBackfill
{
    /// <summary>Stores the counting facts of every item that has none; answers how many it stored (none on a store already in step).</summary>
    public static async Task<int> RunAsync(IDocumentStore store, CancellationToken cancellation = default)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<EvidenceTimeline>().CountAsync(cancellation) == await session.Query<EvidenceCountTimeline>().CountAsync(cancellation))
        {
            return 0;
        }

        var stored = 0;
        for (var skip = 0; ; skip += 1_000)
        {
            var page = await session.Query<EvidenceTimeline>().OrderBy(t => t.Id).Skip(skip).Take(1_000).ToListAsync(cancellation);
            if (page.Count == 0)
            {
                return stored;
            }

            var have = (await session.LoadManyAsync<EvidenceCountTimeline>(cancellation, page.Select(t => t.Id))).Select(c => c.Id).ToHashSet();
            var missing = page.Where(t => !have.Contains(t.Id)).Select(EvidenceCountTimeline.From).ToArray();
            if (missing.Length > 0)
            {
                session.Insert(missing);
                await session.SaveChangesAsync(cancellation);
                stored += missing.Length;
            }
        }
    }
}
