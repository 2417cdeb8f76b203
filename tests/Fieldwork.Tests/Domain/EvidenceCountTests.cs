using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Tests.Domain;

/// <summary>
/// The counts reads serve come from small counting documents; a property test holds them to a
/// count over the evidence itself (the full timelines), on random histories with corrections,
/// codings taken back, voids and items recorded long after they happened, at random cuts.
/// </summary>
public sealed class EvidenceCountTests
{
    private static readonly Guid Evaluation = Guid.NewGuid();
    private static readonly Guid[] Sites = [.. Enumerable.Range(0, 4).Select(_ => Guid.NewGuid())];
    private static readonly Guid[] Waves = [Guid.NewGuid(), Guid.NewGuid()];
    private static readonly Guid Pairing = Guid.NewGuid();
    private static readonly DateOnly Start = new(2017, 1, 1);

    /// <summary>A random history of several items, interleaved in one log: each event with its position and record time.</summary>
    private static List<IEvent> History(Random random, int items)
    {
        var log = new List<IEvent>();
        var streams = new List<(Guid Id, List<Guid> Live, bool Voided)>();
        var clock = new DateTimeOffset(2017, 1, 1, 8, 0, 0, TimeSpan.Zero);
        for (var step = 0; step < items * 12; step++)
        {
            // The record clock moves on by minutes to days; several events a day, some days none.
            clock = clock.AddMinutes(random.Next(0, 3) == 0 ? random.Next(600, 4_000) : random.Next(1, 90));
            if (streams.Count < items && (streams.Count == 0 || random.Next(4) == 0))
            {
                var id = Guid.NewGuid();
                streams.Add((id, [], false));
                // Late records: what happened on a day may be recorded weeks or months later.
                var on = DateOnly.FromDateTime(clock.UtcDateTime).AddDays(-random.Next(0, 200));
                var sites = Sites.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToList();
                Guid? wave = random.Next(3) == 0 ? null : Waves[random.Next(Waves.Length)];
                object logged = random.Next(3) switch
                {
                    0 => new InterviewLogged(Evaluation, id, on, wave, sites, random.Next(2) == 0 ? Pairing : null, [], InterviewFormat.OneToOne,
                        InterviewMode.InPerson, random.Next(20, 90)),
                    1 => new ObservationLogged(Evaluation, id, on, wave, sites, null, ObservationSetting.Meeting, random.Next(30, 240)),
                    _ => new DocumentCaptured(Evaluation, id, on, null, wave, "Board paper", "Trust", "paper", sites, null),
                };
                Add(log, id, logged, clock);
                continue;
            }

            if (streams.Count == 0)
            {
                continue;
            }

            var which = random.Next(streams.Count);
            var (stream, live, voided) = streams[which];
            switch (random.Next(10))
            {
                case 0 when !voided:
                    Add(log, stream, new EvidenceCorrected(Evaluation, stream, random.Next(2) == 0 ? Start.AddDays(random.Next(1_500)) : null,
                        random.Next(2) == 0 ? Waves[random.Next(Waves.Length)] : null,
                        random.Next(2) == 0 ? [Sites[random.Next(Sites.Length)]] : null, null, null, null, null, null,
                        random.Next(2) == 0 ? random.Next(10, 100) : null, null, null, null, null, null), clock);
                    break;
                case 1 when !voided && random.Next(6) == 0:
                    Add(log, stream, new EvidenceVoided(Evaluation, stream, "logged twice"), clock);
                    streams[which] = (stream, live, true);
                    break;
                case 2 or 3 when live.Count > 0:
                    var coding = live[random.Next(live.Count)];
                    live.Remove(coding);
                    Add(log, stream, new CodingRemoved(Evaluation, stream, coding), clock);
                    break;
                default:
                    var applied = Guid.NewGuid();
                    live.Add(applied);
                    Add(log, stream, new CodingApplied(Evaluation, stream, applied, Guid.NewGuid(), 1, 0, 10, "an-1", null), clock);
                    break;
            }
        }

        return log;
    }

    private static void Add(List<IEvent> log, Guid stream, object data, DateTimeOffset at) =>
        log.Add(new Event<object>(data) { Sequence = log.Count + 1, StreamId = stream, Timestamp = at, UserName = "fw-1" });

    private static Cut RandomCut(Random random, int events) => new(
        random.Next(6) == 0 ? DateOnly.MaxValue : Start.AddDays(random.Next(-30, 1_600)),
        random.Next(5) == 0 ? long.MaxValue : random.Next(0, events + 1));

    [Theory]
    [InlineData(20261201)]
    [InlineData(7)]
    [InlineData(1969)]
    [InlineData(424242)]
    public void counts_at_random_cuts_equal_a_count_over_the_evidence_itself(int seed)
    {
        var random = new Random(seed);
        var log = History(random, items: 25);
        var streams = log.GroupBy(e => e.StreamId).ToList();
        var full = streams.Select(s => Timelines.Fold<EvidenceTimeline>(s)).ToList();
        var counted = streams.Select(s => Timelines.Fold<EvidenceCountTimeline>(s)).ToList();
        var backfilled = full.Select(EvidenceCountTimeline.From).ToList();
        // As stored: each document written as JSON and read back.
        var stored = counted.Select(c => System.Text.Json.JsonSerializer.Deserialize<EvidenceCountTimeline>(
            System.Text.Json.JsonSerializer.Serialize(c, System.Text.Json.JsonSerializerOptions.Web), System.Text.Json.JsonSerializerOptions.Web)!).ToList();

        for (var i = 0; i < 300; i++)
        {
            var cut = RandomCut(random, log.Count);
            var expected = full.Select(t => t.AsOf(cut)).OfType<EvidenceState>().Select(CountedItem.Of).ToList();

            Assert.Equal(Describe(expected), Describe(counted.Select(c => c.AsOf(cut)).OfType<CountedItem>()));
            Assert.Equal(Describe(expected), Describe(backfilled.Select(c => c.AsOf(cut)).OfType<CountedItem>()));
            Assert.Equal(Describe(expected), Describe(stored.Select(c => c.AsOf(cut)).OfType<CountedItem>()));
            Assert.Equal(Describe(expected), Describe(stored.Select(c => EvidenceCountTimeline.AsOf(c.Packed, cut)).OfType<CountedItem>()));

            var reference = new EvidenceTally(expected);
            var served = new EvidenceTally(counted.Select(c => c.AsOf(cut)).OfType<CountedItem>());
            Assert.Equal(reference.Total, served.Total);
            Assert.All(Sites, s => Assert.Equal(reference.ForSite(s), served.ForSite(s)));
            Assert.Equal(reference.ForPairing(Pairing), served.ForPairing(Pairing));
            Assert.Equal(reference.ByWave().Select(w => (w.WaveId, w.Counts)), served.ByWave().Select(w => (w.WaveId, w.Counts)));
        }

        // The histories are not trivial: something was corrected, voided, taken back, and counted.
        Assert.Contains(log, e => e.Data is EvidenceCorrected);
        Assert.Contains(log, e => e.Data is CodingRemoved);
        Assert.True(new EvidenceTally(counted.Select(c => c.AsOf(Cut.Now(DateOnly.MaxValue))).OfType<CountedItem>()).Total.Codings > 0);
    }

    [Fact]
    public void a_coding_counts_from_the_day_it_was_recorded_and_stops_when_its_removal_is_known()
    {
        var item = Guid.NewGuid();
        var coding = Guid.NewGuid();
        var log = new List<IEvent>();
        Add(log, item, new InterviewLogged(Evaluation, item, new(2018, 3, 1), null, [Sites[0]], null, [], InterviewFormat.OneToOne, InterviewMode.InPerson, 45),
            new(2018, 3, 2, 9, 0, 0, TimeSpan.Zero));
        Add(log, item, new CodingApplied(Evaluation, item, coding, Guid.NewGuid(), 1, 0, 5, "an-1", null), new(2018, 6, 1, 23, 59, 0, TimeSpan.Zero));
        Add(log, item, new CodingRemoved(Evaluation, item, coding), new(2018, 9, 1, 0, 1, 0, TimeSpan.Zero));
        var counted = Timelines.Fold<EvidenceCountTimeline>(log);

        Assert.Null(counted.AsOf(new Cut(new(2018, 2, 28), long.MaxValue)));
        Assert.Equal(0, counted.AsOf(new Cut(new(2018, 5, 31), long.MaxValue))!.Codings);
        Assert.Equal(1, counted.AsOf(new Cut(new(2018, 6, 1), long.MaxValue))!.Codings);
        Assert.Equal(1, counted.AsOf(new Cut(new(2018, 8, 31), long.MaxValue))!.Codings);
        Assert.Equal(0, counted.AsOf(new Cut(new(2018, 9, 1), long.MaxValue))!.Codings);
        Assert.Equal(1, counted.AsOf(new Cut(DateOnly.MaxValue, 2))!.Codings);
        // An interview's minutes are not observed minutes.
        Assert.Equal((EvidenceKind.Interview, 0), (counted.AsOf(Cut.Now(DateOnly.MaxValue))!.Kind, counted.AsOf(Cut.Now(DateOnly.MaxValue))!.ObservedMinutes));
    }

    private static List<string> Describe(IEnumerable<CountedItem> items) =>
        [.. items.Select(i => $"{i.Kind} {i.On} {i.WaveId} [{string.Join(',', i.SiteIds)}] {i.PairingId} {i.ObservedMinutes} {i.Codings}").Order(StringComparer.Ordinal)];
}
