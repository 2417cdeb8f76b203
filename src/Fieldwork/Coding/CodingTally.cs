using Fieldwork.Evidence;
using Fieldwork.Timeline;
using Marten;

namespace Fieldwork.Coding;

/// <summary>One code's live codings in one item at a cut: how many, and how many characters they cover.</summary>
public readonly record struct CodeTally(Guid CodeId, int Codings, long Characters);

/// <summary>A coding live at a cut, as a tally has it: its code (as applied), its coder, its length.</summary>
public readonly record struct TalliedCoding(Guid CodeId, string CoderId, int Characters);

/// <summary>
/// An item's codings reduced to what counting and choosing them needs (the framework matrix, a
/// page of codings): for each coding its code, its coder, its length, and when it was applied and
/// removed. Stored beside the full codings in <see cref="EvidenceTimeline"/> so that reads over a
/// large evaluation select a few bytes per coding, not its span, note and text version.
/// </summary>
/// <remarks>
/// Layout, as varints: the number of distinct codes and each code's 16 bytes; the number of
/// distinct coders and each one's UTF-8 length and bytes; then, to the end, one entry per coding in
/// the order applied: its log position as a zigzag delta from the previous entry's, its record day
/// as a zigzag delta from the previous entry's, its code's index, its coder's index, its length in
/// characters, then 0 when it was never removed or else one more than the log distance from its
/// application to its removal, followed by its removal's record day as a zigzag delta from its
/// application's.
/// </remarks>
public static class CodingTally
{
    public static string Pack(IReadOnlyList<CodingRecord> codings)
    {
        if (codings.Count == 0)
        {
            return "";
        }

        var codes = codings.Select(c => c.CodeId).Distinct().ToList();
        var coders = codings.Select(c => c.CoderId).Distinct(StringComparer.Ordinal).ToList();
        var codeIndex = codes.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var coderIndex = coders.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);

        var bytes = new List<byte>(16 * codes.Count + 10 * codings.Count);
        Varint.Write(bytes, codes.Count);
        foreach (var code in codes)
        {
            Varint.WriteGuid(bytes, code);
        }

        Varint.Write(bytes, coders.Count);
        foreach (var coder in coders)
        {
            var text = System.Text.Encoding.UTF8.GetBytes(coder);
            Varint.Write(bytes, text.Length);
            bytes.AddRange(text);
        }

        long sequence = 0;
        var day = 0;
        foreach (var coding in codings)
        {
            var appliedDay = Day(coding.AppliedAt);
            Varint.WriteZigzag(bytes, coding.AppliedSequence - sequence);
            Varint.WriteZigzag(bytes, appliedDay - day);
            (sequence, day) = (coding.AppliedSequence, appliedDay);
            Varint.Write(bytes, codeIndex[coding.CodeId]);
            Varint.Write(bytes, coderIndex[coding.CoderId]);
            Varint.Write(bytes, Math.Max(0, coding.Characters));
            if (coding.RemovedSequence is { } removed && coding.RemovedAt is { } removedAt)
            {
                Varint.Write(bytes, removed - coding.AppliedSequence + 1);
                Varint.WriteZigzag(bytes, Day(removedAt) - appliedDay);
            }
            else
            {
                Varint.Write(bytes, 0);
            }
        }

        return Convert.ToBase64String([.. bytes]);
    }

    /// <summary>The codings live at the cut (as <see cref="CodingRecord.LiveAt"/> has it), in the order applied.</summary>
    public static IReadOnlyList<TalliedCoding> LiveAt(string? packed, Cut cut)
    {
        if (string.IsNullOrEmpty(packed))
        {
            return [];
        }

        ReadOnlySpan<byte> bytes = Convert.FromBase64String(packed);
        var at = 0;
        var codes = new Guid[Varint.Read(bytes, ref at)];
        for (var c = 0; c < codes.Length; c++)
        {
            codes[c] = Varint.ReadGuid(bytes, ref at);
        }

        var coders = new string[Varint.Read(bytes, ref at)];
        for (var c = 0; c < coders.Length; c++)
        {
            var length = (int)Varint.Read(bytes, ref at);
            coders[c] = System.Text.Encoding.UTF8.GetString(bytes.Slice(at, length));
            at += length;
        }

        var live = new List<TalliedCoding>();
        var lastDay = cut.AsOf == DateOnly.MaxValue ? long.MaxValue : cut.AsOf.DayNumber;
        long sequence = 0;
        long day = 0;
        while (at < bytes.Length)
        {
            sequence += Varint.ReadZigzag(bytes, ref at);
            day += Varint.ReadZigzag(bytes, ref at);
            var code = (int)Varint.Read(bytes, ref at);
            var coder = (int)Varint.Read(bytes, ref at);
            var characters = (int)Varint.Read(bytes, ref at);
            var removedAfter = Varint.Read(bytes, ref at);
            var isLive = cut.Knows(sequence) && day <= lastDay;
            if (removedAfter > 0)
            {
                var removedDay = day + Varint.ReadZigzag(bytes, ref at);
                isLive &= !(cut.Knows(sequence + removedAfter - 1) && removedDay <= lastDay);
            }

            if (isLive)
            {
                live.Add(new TalliedCoding(codes[code], coders[coder], characters));
            }
        }

        return live;
    }

    /// <summary>The live codings summed per code as applied (a merged code is resolved by the reader, against the codebook at the same cut).</summary>
    public static IReadOnlyList<CodeTally> ByCode(IReadOnlyList<TalliedCoding> live)
    {
        // An item has a handful of codes: a short list searched in place beats a grouping per item.
        var tallies = new List<CodeTally>();
        foreach (var coding in live)
        {
            var i = tallies.Count - 1;
            while (i >= 0 && tallies[i].CodeId != coding.CodeId)
            {
                i--;
            }

            if (i < 0)
            {
                tallies.Add(new CodeTally(coding.CodeId, 1, coding.Characters));
            }
            else
            {
                tallies[i] = tallies[i] with { Codings = tallies[i].Codings + 1, Characters = tallies[i].Characters + coding.Characters };
            }
        }

        return tallies;
    }

    private static int Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime).DayNumber;
}

/// <summary>Stores the matrix's tally in every evidence timeline written before it was kept, from the codings each already holds.</summary>
public static class CodingTallyBackfill
{
    /// <summary>Answers how many timelines it filled (none on a store already in step).</summary>
    public static async Task<int> RunAsync(IDocumentStore store, CancellationToken cancellation = default)
    {
        var filled = 0;
        while (true)
        {
            await using var session = store.LightweightSession();
            var page = await session.Query<EvidenceTimeline>().Where(t => t.PackedTally == null).Take(1_000).ToListAsync(cancellation);
            if (page.Count == 0)
            {
                return filled;
            }

            foreach (var timeline in page)
            {
                // Only the one field, and only where it is still missing: a write that got there first
                // (every write stores the tally) is left as it is.
                session.QueueSqlCommand(
                    $"update {FieldworkStore.Schema}.mt_doc_evidencetimeline set packed_tally = ? where id = ? and packed_tally is null",
                    timeline.PackedTally, timeline.Id);
            }

            await session.SaveChangesAsync(cancellation);
            filled += page.Count;
        }
    }
}
