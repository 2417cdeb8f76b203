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
}

/// <summary>Where and when one record (the logging, or a correction) puts the item, from its position in the log on.</summary>
public sealed record CountedRecord(long Sequence, CountedItem Item);

/// <summary>The codings applied to an item, and removed from it, on one day of the record clock (UTC), by log position in order.</summary>
public sealed record CodingDay(int Day, List<long> Applied, List<long> Removed);

/// <summary>
/// An evidence item reduced to what counting it needs, kept inline beside its full timeline: each
/// record's kind, date, wave, sites, pairing and minutes, the void, and for codings only their log
/// positions grouped by the day they were recorded (a coding counts at a cut when the cut knows
/// it and it was recorded by the end of the cut's date). Site, pairing, evaluation and state reads
/// count from these small documents and never load the items' codings.
/// </summary>
public sealed class EvidenceCountTimeline : IEventTimeline
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public List<CountedRecord> Records { get; set; } = [];

    /// <summary>The details as they stand now (a correction changes only what it names).</summary>
    public EvidenceDetails? Latest { get; set; }

    public long? VoidedSequence { get; set; }

    public List<CodingDay> Codings { get; set; } = [];

    public void Record(IEvent e)
    {
        if (EvidenceTimeline.Logged(e.Data) is var (logged, evaluationId))
        {
            Id = e.StreamId;
            EvaluationId = evaluationId;
            Keep(e.Sequence, logged);
            return;
        }

        switch (e.Data)
        {
            case EvidenceCorrected x when Latest is not null:
                Keep(e.Sequence, Latest.Correct(x));
                break;
            case EvidenceVoided when VoidedSequence is null:
                VoidedSequence = e.Sequence;
                break;
            case CodingApplied:
                DayOf(e).Applied.Add(e.Sequence);
                break;
            case CodingRemoved:
                // The rules remove only a live coding of this item, once.
                DayOf(e).Removed.Add(e.Sequence);
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
        var codings = 0;
        foreach (var day in Codings)
        {
            if (day.Day <= lastDay)
            {
                codings += Known(day.Applied, cut.KnownUpTo) - Known(day.Removed, cut.KnownUpTo);
            }
        }

        return record with { Codings = codings };
    }

    /// <summary>
    /// The same facts taken from an item's full timeline, which holds them all (its records, its void,
    /// each coding's positions and record times): how a store kept before this read model gets it
    /// without replaying the log.
    /// </summary>
    public static EvidenceCountTimeline From(EvidenceTimeline timeline)
    {
        var counted = new EvidenceCountTimeline { Id = timeline.Id, EvaluationId = timeline.EvaluationId, VoidedSequence = timeline.VoidedSequence };
        foreach (var record in timeline.Records)
        {
            counted.Keep(record.Sequence, record.Details);
        }

        foreach (var coding in timeline.Codings)
        {
            counted.DayOf(coding.AppliedAt).Applied.Add(coding.AppliedSequence);
            if (coding.RemovedSequence is { } removed)
            {
                counted.DayOf(coding.RemovedAt!.Value).Removed.Add(removed);
            }
        }

        foreach (var day in counted.Codings)
        {
            day.Applied.Sort();
            day.Removed.Sort();
        }

        return counted;
    }

    private void Keep(long sequence, EvidenceDetails details)
    {
        Latest = details;
        Records.Add(new CountedRecord(sequence, CountedItem.Of(details)));
    }

    private CodingDay DayOf(IEvent e) => DayOf(e.RecordedAt());

    private CodingDay DayOf(DateTimeOffset recordedAt)
    {
        var day = DateOnly.FromDateTime(recordedAt.UtcDateTime).DayNumber;
        if (Codings.Count == 0 || Codings[^1].Day != day)
        {
            var found = Codings.FindIndex(d => d.Day == day);
            if (found >= 0)
            {
                return Codings[found];
            }

            Codings.Add(new CodingDay(day, [], []));
        }

        return Codings[^1];
    }

    /// <summary>How many of the positions (in increasing order) the cut knows.</summary>
    private static int Known(List<long> sequences, long knownUpTo)
    {
        var i = sequences.BinarySearch(knownUpTo);
        return i >= 0 ? i + 1 : ~i;
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
