using Fieldwork.Coding;
using Fieldwork.Evidence;

namespace Fieldwork.Api.Coding;

/// <summary>The codebook and every live coding of an evaluation at a cut, read in one round trip from the inline timelines.</summary>
public sealed record CodingSnapshot(IReadOnlyDictionary<Guid, CodeState> Codes, IReadOnlyList<EvidenceState> Evidence,
    IReadOnlyList<CodedSegment> Segments)
{
    public string CodeName(Guid id) => Codes.TryGetValue(id, out var code) ? code.Name : id.ToString();

    /// <summary>One evidence item's live codings, each under the code it counts toward in <paramref name="codes"/>.</summary>
    public static CodingSnapshot ForItem(IReadOnlyDictionary<Guid, CodeState> codes, EvidenceState item) =>
        new(codes, [item], [.. item.Codings.Select(c => new CodedSegment(c, Codebook.Resolve(codes, c.CodeId), item))]);
}

public static class CodingSource
{
    public static async Task<CodingSnapshot> AtAsync(IQuerySession session, Guid evaluationId, Cut cut, CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var snapshot = In(batch, evaluationId, cut);
        await batch.Execute(cancellation);
        return await snapshot();
    }

    /// <summary>The same reads added to a batch the caller executes (with reads of its own): the snapshot once it has run.</summary>
    public static Func<Task<CodingSnapshot>> In(Marten.Services.BatchQuerying.IBatchedQuery batch, Guid evaluationId, Cut cut)
    {
        var codebook = batch.Load<Codebook>(Codebook.StreamId(evaluationId));
        var timelines = batch.Query<EvidenceTimeline>().Where(e => e.EvaluationId == evaluationId).ToList();
        return async () =>
        {
            var codes = (await codebook)?.AsOf(cut) ?? new Dictionary<Guid, CodeState>();
            var evidence = (await timelines).Select(t => t.AsOf(cut)).OfType<EvidenceState>().ToList();
            return new CodingSnapshot(codes, evidence, [.. evidence.SelectMany(e => CodingSnapshot.ForItem(codes, e).Segments)]);
        };
    }
}

/// <summary>What the matrix and a page of codings count of one item at a cut: where and when it counts, and its live codings as a tally has them.</summary>
public sealed record TalliedItem(Guid Id, CountedItem Item, IReadOnlyList<TalliedCoding> Codings);

/// <summary>
/// The reads of the matrix and of a page of codings: per item, only its counting facts (<see cref="EvidenceCountTimeline.Packed"/>)
/// and its codings' tally (<see cref="EvidenceTimeline.PackedTally"/>), never the codings
/// themselves: on a 9,300-item evaluation a few megabytes instead of every coding's span, coder and note.
/// </summary>
public static class CodingTallies
{
    public static Func<Task<IReadOnlyList<TalliedItem>>> In(IQuerySession session, Marten.Services.BatchQuerying.IBatchedQuery batch,
        Guid evaluationId, Cut cut, CancellationToken cancellation)
    {
        var counted = batch.Query<EvidenceCountTimeline>().Where(e => e.EvaluationId == evaluationId)
            .Select(e => new PackedItem { Id = e.Id, Packed = e.Packed }).ToList();
        var tallied = batch.Query<EvidenceTimeline>().Where(e => e.EvaluationId == evaluationId)
            .Select(e => new PackedItem { Id = e.Id, Packed = e.PackedTally }).ToList();
        return async () =>
        {
            var tallies = (await tallied).ToDictionary(t => t.Id, t => t.Packed);
            // Items last written before the tally was stored have none: their full timelines give it.
            var missing = tallies.Where(t => t.Value is null).Select(t => t.Key).ToList();
            if (missing.Count > 0)
            {
                foreach (var timeline in await session.LoadManyAsync<EvidenceTimeline>(cancellation, missing))
                {
                    tallies[timeline.Id] = timeline.PackedTally;
                }
            }

            var items = new List<TalliedItem>();
            foreach (var facts in await counted)
            {
                if (facts.Packed is { } packed && EvidenceCountTimeline.AsOf(packed, cut) is { } item
                    && tallies.TryGetValue(facts.Id, out var tally))
                {
                    items.Add(new TalliedItem(facts.Id, item, CodingTally.LiveAt(tally, cut)));
                }
            }

            return items;
        };
    }

    /// <summary>One packed field of a document, with the document's id.</summary>
    public sealed class PackedItem
    {
        public Guid Id { get; set; }

        public string? Packed { get; set; }
    }
}

/// <summary>The quoted text of coded spans: each text version read once, opened with its key when sealed.</summary>
public sealed class Quotes
{
    private readonly Dictionary<(Guid Evidence, int Version), (string? Text, int[] Offsets)> texts;

    private Quotes(Dictionary<(Guid, int), (string?, int[])> texts) => this.texts = texts;

    /// <summary>Quotes from texts already read.</summary>
    public static Quotes Of(IEnumerable<(Guid Evidence, int Version, string? Text)> known) =>
        new(known.ToDictionary(t => (t.Evidence, t.Version), t => (t.Text, t.Text is null ? [] : EvidenceText.CodePointOffsets(t.Text))));

    public static async Task<Quotes> LoadAsync(IQuerySession session, Fieldwork.Secrets.KeyRing keyRing,
        IEnumerable<(Guid Evidence, int Version)> wanted, CancellationToken cancellation)
    {
        var keys = wanted.ToHashSet();
        var ids = keys.Select(k => k.Evidence).Distinct().ToArray();
        var found = new Dictionary<(Guid, int), (string?, int[])>();
        if (ids.Length == 0)
        {
            return new Quotes(found);
        }

        // By stream id (indexed), not by a field of the event body.
        var versions = (await session.Events.QueryAllRawEvents()
                .Where(e => e.StreamId.IsOneOf(ids))
                .ToListAsync(cancellation))
            .Select(e => e.Data)
            .OfType<TextVersionAdded>();
        var textKeys = (await session.LoadManyAsync<TextKey>(cancellation, ids)).ToDictionary(k => k.Id);
        foreach (var version in versions.Where(v => keys.Contains((v.EvidenceId, v.Version))))
        {
            var text = version.Sealed is { } sealedText
                ? TextVault.Open(keyRing.Open(textKeys.GetValueOrDefault(version.EvidenceId)), version.Version, sealedText)
                : version.Text;
            found[(version.EvidenceId, version.Version)] = (text, text is null ? [] : EvidenceText.CodePointOffsets(text));
        }

        return new Quotes(found);
    }

    /// <summary>The code points [start, end) of a text version, or null when the text is erased.</summary>
    public string? Of(Guid evidenceId, int version, int start, int end)
    {
        if (!texts.TryGetValue((evidenceId, version), out var entry) || entry.Text is null)
        {
            return null;
        }

        var offsets = entry.Offsets;
        var from = offsets[Math.Clamp(start, 0, offsets.Length - 1)];
        var to = offsets[Math.Clamp(end, 0, offsets.Length - 1)];
        return entry.Text[from..to];
    }
}

/// <summary>Whose withdrawal erased an item's text: an interview transcript is sealed under one key, destroyed when any of its participants withdraws with erasure.</summary>
public static class EvidenceErasure
{
    public static async Task<IReadOnlyList<string>> ErasedForAsync(IQuerySession session, EvidenceTimeline item, CancellationToken cancellation)
    {
        if (item.Kind != EvidenceKind.Interview || item.Current.ParticipantIds.Count == 0)
        {
            return [];
        }

        var participants = await session.LoadManyAsync<Fieldwork.Participants.ParticipantTimeline>(cancellation, item.Current.ParticipantIds);
        return [.. participants.Where(p => p.ErasedFor(item.Current.On)).Select(p => p.Pseudonym).Order(StringComparer.Ordinal)];
    }
}
