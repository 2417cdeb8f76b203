using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Coverage;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Sites;
using Fieldwork.Tests.Infrastructure;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Coverage;

/// <summary>
/// The property behind coverage: for random histories (items logged late and out of order,
/// corrected to other dates, waves and sites, voided; visits synced late, of one or two days;
/// plans set and replaced; a wave defined midway) and random cuts, the API's coverage equals a count made directly over the raw events
/// known at the cut, without the read models.
/// </summary>
public sealed class when_covering_random_histories(AppFixture app) : ApiTest(app)
{
    private sealed record Batch(long Sequence, DateTimeOffset RecordedAt);

    private sealed record Counted(int Interviews, int Observations, int Documents, int Minutes, int Visits = 0, DateOnly? LastVisit = null);

    [Theory]
    [InlineData(5)]
    [InlineData(23)]
    [InlineData(71)]
    public async Task the_served_coverage_equals_a_count_over_the_raw_events_at_every_cut(int seed)
    {
        var random = new Random(seed);
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        var lead = NewUser("lead");
        var evaluationId = Guid.NewGuid();
        var waves = new List<WaveDefined>
        {
            new(evaluationId, Guid.NewGuid(), "2018 first half", new(2018, 1, 1), new(2018, 6, 30)),
            new(evaluationId, Guid.NewGuid(), "2018 second half", new(2018, 7, 1), new(2018, 12, 31)),
        };
        var laterWave = new WaveDefined(evaluationId, Guid.NewGuid(), "2019", new(2019, 1, 1), new(2019, 12, 31));
        var sites = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Evaluation>(evaluationId,
            [
                new EvaluationCreated(evaluationId, "Random coverage", new(2016, 9, 1), new(2021, 9, 30), null, lead), .. waves,
            ]);
            for (var i = 0; i < sites.Count; i++)
            {
                session.Events.StartStream<SiteTimeline>(sites[i], new SiteEnrolled(evaluationId, sites[i], $"S{i}", SiteKind.Acute,
                    ProgrammeRole.Exemplar, "c1", "r1", "Cerner", CaseDepth.Broader, new(2016, 9, 1)));
            }

            await session.SaveChangesAsync();
        }

        var items = new List<Guid>();
        var visits = new List<Guid>();
        var plans = new HashSet<Guid>();
        var batches = new List<Batch>();
        for (var b = 0; b < 40; b++)
        {
            await using var session = store.LightweightSession();
            if (b == 20)
            {
                session.Events.Append(evaluationId, laterWave);
                waves.Add(laterWave);
            }

            for (var i = random.Next(1, 6); i > 0; i--)
            {
                Append(session, random, evaluationId, waves, sites, items, plans, visits);
            }

            await session.SaveChangesAsync();
            await using var query = store.QuerySession();
            var last = await query.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).FirstAsync();
            batches.Add(new Batch(last.Sequence, last.Timestamp));
        }

        IReadOnlyList<IEvent> log;
        await using (var reader = store.QuerySession())
        {
            var streams = items.Concat(plans).Concat(visits).Append(evaluationId).ToArray();
            log = await reader.Events.QueryAllRawEvents().Where(e => e.StreamId.IsOneOf(streams)).OrderBy(e => e.Sequence).ToListAsync();
        }

        var url = $"/api/evaluations/{evaluationId}/coverage";
        var seen = new HashSet<string>();
        for (var probe = 0; probe < 40; probe++)
        {
            var asOf = random.Next(8) == 0 ? (DateOnly?)null : new DateOnly(2017, 10, 1).AddDays(random.Next(0, 365 * 2 + 200));
            var batch = random.Next(4) == 0 ? null : batches[random.Next(batches.Count)];
            var waveId = random.Next(3) == 0 ? waves[random.Next(waves.Count)].WaveId : (Guid?)null;
            var query = new List<string>();
            if (asOf is { } date)
            {
                query.Add($"asOf={date:yyyy-MM-dd}");
            }

            if (batch is not null)
            {
                query.Add($"knownAt={Uri.EscapeDataString(batch.RecordedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture))}");
            }

            if (waveId is { } wave)
            {
                query.Add($"waveId={wave}");
            }

            var reply = await Get(query.Count == 0 ? url : $"{url}?{string.Join('&', query)}", lead);
            var known = batch?.Sequence ?? long.MaxValue;
            var expected = Reference(log.Where(e => e.Sequence <= known).ToList(), evaluationId, sites, asOf ?? DateOnly.MaxValue, waveId);
            var context = $"probe {probe}: {string.Join('&', query)}";
            if (expected is null)
            {
                Assert.True(reply.Status == HttpStatusCode.NotFound, $"{context}: expected 404, got {(int)reply.Status} {reply.Body}");
                continue;
            }

            reply.ShouldBe(HttpStatusCode.OK);
            Assert.Equal(string.Join(Environment.NewLine, expected), string.Join(Environment.NewLine, Served(reply.Json)));
            seen.UnionWith(expected.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
        }

        // The histories are rich enough to say something: every status shows up somewhere.
        Assert.Superset(new HashSet<string> { "notPlanned", "notStarted", "inProgress", "met" }, seen);
    }

    /// <summary>The coverage answer as lines: one per wave, then one per site row.</summary>
    private static List<string> Served(JsonNode coverage)
    {
        var lines = new List<string>();
        foreach (var wave in coverage["waves"]!.AsArray())
        {
            lines.Add($"wave {wave!["waveId"]} plan v{wave["planVersion"]}");
            foreach (var row in wave["sites"]!.AsArray())
            {
                var planned = row!["planned"] is JsonObject p
                    ? $"{Target(p["visits"])}/{Target(p["interviews"])}/{Target(p["observations"])}/{Target(p["documents"])}"
                    : "-";
                var done = row["done"]!;
                lines.Add($"  {row["siteCode"]} {row["status"]} planned {planned} done {done["visits"]}/{done["interviews"]}/{done["observations"]}/"
                          + $"{done["documents"]} {done["observedMinutes"]} min, last visit {row["lastVisitedOn"]?.ToString() ?? "none"}");
            }
        }

        return lines;
    }

    private static string Target(JsonNode? target) => target?.ToString() ?? "_";

    private static string Target(int? target) => target?.ToString(CultureInfo.InvariantCulture) ?? "_";

    /// <summary>
    /// Coverage counted directly over the events known at the cut (no timeline, no tally): each
    /// item's logged fields with every known correction applied, left out when a void is known or
    /// its field date is after asOf; counted for its wave (or the wave holding its date) at each
    /// of its sites. Null when the wave asked for was not defined by then.
    /// </summary>
    private static List<string>? Reference(List<IEvent> known, Guid evaluationId, List<Guid> sites, DateOnly asOf, Guid? waveId)
    {
        var waves = known.Where(e => e.StreamId == evaluationId).Select(e => e.Data).OfType<WaveDefined>().OrderBy(w => w.StartsOn).ToList();
        if (waveId is { } asked && waves.All(w => w.WaveId != asked))
        {
            return null;
        }

        var counts = new Dictionary<(Guid Wave, Guid Site), Counted>();
        foreach (var stream in known.Where(e => e.StreamId != evaluationId).GroupBy(e => e.StreamId))
        {
            if (stream.First().Data is Fieldwork.Visits.VisitLogged visit)
            {
                if (visit.StartsOn > asOf)
                {
                    continue;
                }

                var visitWave = visit.WaveId ?? waves.FirstOrDefault(w => w.StartsOn <= visit.StartsOn && visit.StartsOn <= w.EndsOn)?.WaveId;
                if (visitWave is not { } vw || waves.All(w => w.WaveId != vw))
                {
                    continue;
                }

                var lastDay = visit.EndsOn < asOf ? visit.EndsOn : asOf;
                foreach (var site in visit.SiteIds.Distinct())
                {
                    var c = counts.GetValueOrDefault((vw, site), new Counted(0, 0, 0, 0));
                    counts[(vw, site)] = c with { Visits = c.Visits + 1, LastVisit = c.LastVisit is { } l && l > lastDay ? l : lastDay };
                }

                continue;
            }

            EvidenceKind? kind = null;
            DateOnly on = default;
            Guid? wave = null;
            IReadOnlyList<Guid> at = [];
            int minutes = 0;
            var voided = false;
            foreach (var e in stream.OrderBy(e => e.Sequence))
            {
                switch (e.Data)
                {
                    case InterviewLogged x: (kind, on, wave, at, minutes) = (EvidenceKind.Interview, x.OccurredOn, x.WaveId, x.SiteIds, x.DurationMinutes); break;
                    case ObservationLogged x: (kind, on, wave, at, minutes) = (EvidenceKind.Observation, x.OccurredOn, x.WaveId, x.SiteIds, x.DurationMinutes); break;
                    case DocumentCaptured x: (kind, on, wave, at, minutes) = (EvidenceKind.Document, x.CapturedOn, x.WaveId, x.SiteIds, 0); break;
                    case EvidenceCorrected x:
                        on = x.OccurredOn ?? on;
                        wave = x.WaveId ?? wave;
                        at = x.SiteIds ?? at;
                        minutes = x.DurationMinutes ?? minutes;
                        break;
                    case EvidenceVoided: voided = true; break;
                }
            }

            if (kind is null || voided || on > asOf)
            {
                continue;
            }

            var countedIn = wave ?? waves.FirstOrDefault(w => w.StartsOn <= on && on <= w.EndsOn)?.WaveId;
            if (countedIn is not { } w1 || waves.All(w => w.WaveId != w1))
            {
                continue;
            }

            foreach (var site in at.Distinct())
            {
                var c = counts.GetValueOrDefault((w1, site), new Counted(0, 0, 0, 0));
                counts[(w1, site)] = kind switch
                {
                    EvidenceKind.Interview => c with { Interviews = c.Interviews + 1 },
                    EvidenceKind.Observation => c with { Observations = c.Observations + 1, Minutes = c.Minutes + minutes },
                    _ => c with { Documents = c.Documents + 1 },
                };
            }
        }

        var lines = new List<string>();
        foreach (var wave in waves.Where(w => waveId is null || w.WaveId == waveId))
        {
            var planEvents = known.Where(e => e.StreamId == WavePlanTimeline.StreamId(evaluationId, wave.WaveId)).ToList();
            var plan = planEvents.Count == 0 ? [] : ((WavePlanSet)planEvents[^1].Data).Sites;
            lines.Add($"wave {wave.WaveId} plan v{planEvents.Count}");
            for (var i = 0; i < sites.Count; i++)
            {
                var target = plan.FirstOrDefault(t => t.SiteId == sites[i]);
                var c = counts.GetValueOrDefault((wave.WaveId, sites[i]), new Counted(0, 0, 0, 0));
                var met = target is not null && (target.Visits ?? 0) <= c.Visits && (target.Interviews ?? 0) <= c.Interviews
                          && (target.Observations ?? 0) <= c.Observations && (target.Documents ?? 0) <= c.Documents;
                var status = target is null ? "notPlanned"
                    : met ? "met"
                    : c.Visits + c.Interviews + c.Observations + c.Documents == 0 ? "notStarted"
                    : "inProgress";
                var planned = target is null ? "-" : $"{Target(target.Visits)}/{Target(target.Interviews)}/{Target(target.Observations)}/{Target(target.Documents)}";
                var last = c.LastVisit?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none";
                lines.Add($"  S{i} {status} planned {planned} done {c.Visits}/{c.Interviews}/{c.Observations}/{c.Documents} {c.Minutes} min, last visit {last}");
            }
        }

        return lines;
    }

    private static DateOnly AnyDate(Random random) => new DateOnly(2017, 10, 1).AddDays(random.Next(0, 365 * 2 + 90));

    private static List<Guid> SomeSites(Random random, List<Guid> sites)
    {
        var some = sites.Where(_ => random.Next(2) == 0).ToList();
        return some.Count > 0 ? some : [sites[random.Next(sites.Count)]];
    }

    private static void Append(IDocumentSession session, Random random, Guid evaluationId, List<WaveDefined> waves, List<Guid> sites,
        List<Guid> items, HashSet<Guid> plans, List<Guid> visits)
    {
        var choice = items.Count == 0 ? 0 : random.Next(10);
        switch (choice)
        {
            case < 4:
                var id = Guid.NewGuid();
                var on = AnyDate(random);
                var wave = random.Next(5) < 3 ? waves.FirstOrDefault(w => w.StartsOn <= on && on <= w.EndsOn)?.WaveId : null;
                var at = SomeSites(random, sites);
                var minutes = random.Next(10, 121);
                object logged = random.Next(3) switch
                {
                    0 => new InterviewLogged(evaluationId, id, on, wave, at, null, [], InterviewFormat.OneToOne, InterviewMode.Phone, minutes),
                    1 => new ObservationLogged(evaluationId, id, on, wave, at, null, ObservationSetting.Meeting, minutes),
                    _ => new DocumentCaptured(evaluationId, id, on, null, wave, "Paper", "Board", "boardPaper", at, null),
                };
                session.Events.StartStream<EvidenceTimeline>(id, logged);
                items.Add(id);
                break;
            case < 6:
                var corrected = items[random.Next(items.Count)];
                session.Events.Append(corrected, new EvidenceCorrected(evaluationId, corrected,
                    random.Next(2) == 0 ? AnyDate(random) : null,
                    random.Next(3) == 0 ? waves[random.Next(waves.Count)].WaveId : null,
                    random.Next(3) == 0 ? SomeSites(random, sites) : null,
                    null, null, null, null, null,
                    random.Next(3) == 0 ? random.Next(10, 121) : null,
                    null, null, null, null, null));
                break;
            case 6:
                var voided = items[random.Next(items.Count)];
                session.Events.Append(voided, new EvidenceVoided(evaluationId, voided, "random"));
                break;
            case 7:
                // A visit synced late: of one or two days, in the wave holding its first day or none.
                var visitId = Guid.NewGuid();
                var startsOn = AnyDate(random);
                var visitWave = random.Next(3) < 2 ? waves.FirstOrDefault(w => w.StartsOn <= startsOn && startsOn <= w.EndsOn)?.WaveId : null;
                session.Events.StartStream<Fieldwork.Visits.VisitTimeline>(visitId, new Fieldwork.Visits.VisitLogged(evaluationId, visitId,
                    SomeSites(random, sites), startsOn, startsOn.AddDays(random.Next(2)), visitWave, ["fieldworker"], null, null));
                visits.Add(visitId);
                break;
            default:
                var planned = waves[random.Next(waves.Count)].WaveId;
                int? Target() => random.Next(3) == 0 ? null : random.Next(0, 4);
                var targets = SomeSites(random, sites)
                    .Select(site => new SiteTargets(site, Target(), Target(), Target(), Target()) is var t && t is { Visits: null, Interviews: null, Observations: null, Documents: null }
                        ? t with { Interviews = 1 }
                        : t)
                    .ToList();
                var stream = WavePlanTimeline.StreamId(evaluationId, planned);
                var set = new WavePlanSet(evaluationId, planned, targets);
                if (plans.Add(stream))
                {
                    session.Events.StartStream<WavePlanTimeline>(stream, set);
                }
                else
                {
                    session.Events.Append(stream, set);
                }

                break;
        }
    }
}
