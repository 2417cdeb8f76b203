using System.Text.Json;
using System.Text.Json.Serialization;
using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Tests.Domain;

/// <summary>
/// Codings and counting facts are stored packed: what is written must come back as it was, every
/// field, and documents written before packing must still read.
/// </summary>
public sealed class PackedDocumentTests
{
    /// <summary>The serializer settings the store uses (camelCase, enums as camelCase strings).</summary>
    private static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static CodingRecord RandomCoding(Random random, long sequence, DateTimeOffset at)
    {
        var start = random.Next(0, 100_000);
        var removed = random.Next(3) == 0;
        return new CodingRecord(Guid.NewGuid(), Guid.NewGuid(), random.Next(1, 4), start, start + random.Next(0, 5_000),
            random.Next(4) switch { 0 => "an-1", 1 => "an-2", 2 => "Zoë Ünïcode 分析者", _ => $"coder-{random.Next(100)}" },
            random.Next(5) == 0 ? (random.Next(2) == 0 ? "" : $"note {random.Next()} ✓") : null,
            sequence, at,
            removed ? sequence + random.Next(1, 10_000) : null,
            removed ? at.AddHours(random.Next(1, 5_000)).ToOffset(TimeSpan.FromMinutes(random.Next(-12, 14) * 60)) : null,
            removed ? (random.Next(2) == 0 ? "an-1" : null) : null,
            random.Next(4) == 0 ? at.AddDays(-random.Next(0, 900)).AddTicks(random.Next(0, 10_000_000)) : null);
    }

    /// <summary>Codings one after another in the log, with the record times and offsets a store can hold.</summary>
    private static List<CodingRecord> RandomCodings(Random random, int count, Func<CodingRecord, CodingRecord>? shape = null)
    {
        var at = new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.FromHours(1));
        var codings = new List<CodingRecord>();
        long sequence = 1;
        for (var i = 0; i < count; i++)
        {
            // Record times mostly move on, sometimes back (a bulk import of history), with sub-second parts and offsets.
            at = at.AddTicks(random.Next(-50_000_000, 900_000_000)).ToOffset(TimeSpan.FromMinutes(random.Next(-3, 4) * 30));
            sequence += random.Next(1, 300);
            var coding = RandomCoding(random, sequence, at);
            codings.Add(shape is null ? coding : shape(coding));
        }

        return codings;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2026)]
    [InlineData(99)]
    public void codings_come_back_field_for_field(int seed)
    {
        var codings = RandomCodings(new Random(seed), 400);
        var back = CodingPack.Unpack(CodingPack.Pack(codings));

        Assert.Equal(codings, back);
        Assert.Equal(codings.Select(c => c.AppliedAt.Offset), back.Select(c => c.AppliedAt.Offset));
        Assert.Empty(CodingPack.Unpack(CodingPack.Pack([])));
    }

    [Fact]
    public void an_evidence_timeline_reads_back_as_stored_and_as_stored_before_codings_were_packed()
    {
        var random = new Random(7);
        var item = Guid.NewGuid();
        var timeline = Timelines.Fold<EvidenceTimeline>([new Event<InterviewLogged>(new InterviewLogged(Guid.NewGuid(), item, new(2018, 3, 1), null,
            [Guid.NewGuid()], null, [], InterviewFormat.OneToOne, InterviewMode.InPerson, 45)) { Sequence = 1, StreamId = item }]);
        for (var i = 0; i < 20; i++)
        {
            timeline.Codings.Add(RandomCoding(random, 10 + i, new DateTimeOffset(2018, 4, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i)));
        }

        var json = JsonSerializer.Serialize(timeline, Stored);
        Assert.DoesNotContain("\"codings\"", json, StringComparison.Ordinal);
        Assert.Equal(timeline.Codings, JsonSerializer.Deserialize<EvidenceTimeline>(json, Stored)!.Codings);

        // A document from before: its codings as an array of objects.
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove("packedCodings");
        node["codings"] = JsonSerializer.SerializeToNode(timeline.Codings, Stored);
        Assert.Equal(timeline.Codings, JsonSerializer.Deserialize<EvidenceTimeline>(node.ToJsonString(), Stored)!.Codings);

        // The codings' tally is kept in a column of its own, made from the codings on every write: not in the JSON, never read back.
        Assert.DoesNotContain("packedTally", json, StringComparison.Ordinal);
        node["packedTally"] = "not a tally";
        Assert.Equal(CodingTally.Pack(timeline.Codings), JsonSerializer.Deserialize<EvidenceTimeline>(node.ToJsonString(), Stored)!.PackedTally);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2027)]
    [InlineData(31)]
    public void a_tally_at_random_cuts_counts_what_the_live_codings_count_per_code(int seed)
    {
        var random = new Random(seed);
        var codes = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var codings = RandomCodings(random, 300, c => c with { CodeId = codes[random.Next(codes.Length)] });
        var sequence = codings[^1].AppliedSequence;

        var tally = CodingTally.Pack(codings);
        for (var i = 0; i < 400; i++)
        {
            var cut = new Cut(random.Next(8) == 0 ? DateOnly.MaxValue : new DateOnly(2018, 1, 1).AddDays(random.Next(-5, 400)),
                random.Next(6) == 0 ? long.MaxValue : random.Next(0, (int)sequence + 20_000));
            var expected = codings.Where(c => c.LiveAt(cut)).GroupBy(c => c.CodeId)
                .Select(g => new CodeTally(g.Key, g.Count(), g.Sum(c => (long)c.Characters))).OrderBy(t => t.CodeId);
            Assert.Equal(expected, CodingTally.ByCode(CodingTally.LiveAt(tally, cut)).OrderBy(t => t.CodeId));
            Assert.Equal(codings.Where(c => c.LiveAt(cut)).Select(c => new TalliedCoding(c.CodeId, c.CoderId, c.Characters)), CodingTally.LiveAt(tally, cut));
        }

        Assert.Contains(codings, c => c.RemovedSequence is not null);
        Assert.NotEmpty(CodingTally.LiveAt(tally, Cut.Now(DateOnly.MaxValue)));
        Assert.Empty(CodingTally.LiveAt(CodingTally.Pack([]), Cut.Now(DateOnly.MaxValue)));
    }
}
