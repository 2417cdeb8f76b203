using System.Diagnostics;
using Fieldwork.Evaluations;
using Fieldwork.Pairings;
using Fieldwork.Sites;
using JasperFx.Events;
using Marten;

namespace Fieldwork.Benchmarks;

/// <summary>What <see cref="StateHistory.GenerateAsync"/> wrote.</summary>
/// <param name="BatchSequences">The highest event sequence after each batch: past knowledge cuts.</param>
/// <param name="EventsByType">How many events of each type were appended.</param>
public sealed record GeneratedHistory(
    Guid EvaluationId,
    int Events,
    IReadOnlyList<long> BatchSequences,
    IReadOnlyDictionary<string, int> EventsByType,
    TimeSpan Elapsed);

/// <summary>
/// A synthetic evaluation history of realistic shape: one evaluation, 36 sites (a third
/// exemplars) whose attributes change at effective dates and some of which withdraw, 60
/// exemplar-to-follower pairings with many knowledge exchanges, a few alignment assessments,
/// date corrections and dissolutions. Field dates run from 2016-09-01 to 2021-09-30, and the
/// events are logged out of order: each is appended some random delay after its field date
/// (mostly days, sometimes months, occasionally years), so the log order is not the date order.
/// Everything but the ids comes from the seed (ids are fresh, so runs never collide). Events
/// go through ordinary Marten sessions, so the inline projections are kept as in production.
/// </summary>
public static class StateHistory
{
    public static readonly DateOnly Start = new(2016, 9, 1);
    public static readonly DateOnly End = new(2021, 9, 30);

    private const int SiteCount = 36;
    private const int ExemplarCount = 12;
    private const int FollowerCount = 20;
    private const int PairingCount = 60;

    private static readonly string[] Regions = ["North East", "North West", "Yorkshire", "Midlands", "East", "London", "South East", "South West"];
    private static readonly string[] Systems = ["Cerner", "Epic", "System C", "Dedalus", "TPP", "Meditech"];
    private static readonly string[] Topics =
    [
        "medicines management", "order comms", "clinical safety case", "benefits tracking", "go-live readiness", "data migration",
        "training model", "clinical engagement", "digital nursing", "optimisation", "interoperability", "business continuity",
    ];

    private enum StreamKind
    {
        Evaluation,
        Site,
        Pairing,
    }

    /// <summary>One event to append: its stream, whether it starts the stream, and when (in days from the start) it is logged.</summary>
    private sealed record Planned(Guid StreamId, StreamKind Kind, bool Starts, object Data, double LoggedAt, int Order);

    private sealed record Site(Guid Id, ProgrammeRole Role, DateOnly EnrolledOn, DateOnly? WithdrawnOn, double LoggedAt);

    public static async Task<GeneratedHistory> GenerateAsync(IDocumentStore store, int events, int seed)
    {
        var watch = Stopwatch.StartNew();
        var plan = Plan(events, new Random(seed));
        var batches = new Random(seed + 1);
        var sequences = new List<long>();
        for (var at = 0; at < plan.Count;)
        {
            var size = Math.Min(batches.Next(300, 3001), plan.Count - at);
            sequences.Add(await AppendAsync(store, plan.GetRange(at, size)));
            at += size;
        }

        var byType = plan.GroupBy(p => p.Data.GetType().Name).OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => g.Count());
        return new GeneratedHistory(((EvaluationCreated)plan[0].Data).EvaluationId, plan.Count, sequences, byType, watch.Elapsed);
    }

    /// <summary>Appends one batch in one session and transaction; answers the highest sequence it wrote.</summary>
    private static async Task<long> AppendAsync(IDocumentStore store, List<Planned> batch)
    {
        await using var session = store.LightweightSession();
        var actions = new List<StreamAction>();
        foreach (var stream in batch.GroupBy(p => p.StreamId))
        {
            var first = stream.First();
            var data = stream.Select(p => p.Data).ToArray();
            actions.Add(!first.Starts
                ? session.Events.Append(first.StreamId, data)
                : first.Kind switch
                {
                    StreamKind.Evaluation => session.Events.StartStream<Evaluation>(first.StreamId, data),
                    StreamKind.Site => session.Events.StartStream<SiteTimeline>(first.StreamId, data),
                    _ => session.Events.StartStream<PairingTimeline>(first.StreamId, data),
                });
        }

        await session.SaveChangesAsync();
        var last = actions.SelectMany(a => a.Events).Max(e => e.Sequence);
        return last > 0 ? last : throw new InvalidOperationException("Marten did not assign sequences to the appended events.");
    }

    /// <summary>Plans the whole history in append order.</summary>
    private static List<Planned> Plan(int events, Random random)
    {
        var plan = new List<Planned>();
        var span = End.DayNumber - Start.DayNumber;
        DateOnly Day(double d) => Start.AddDays((int)Math.Clamp(d, 0, span));
        DateOnly Between(DateOnly from, DateOnly to) => to <= from ? from : from.AddDays(random.Next(0, to.DayNumber - from.DayNumber + 1));
        double Logged(DateOnly on, double after)
        {
            var roll = random.NextDouble();
            var delay = roll < 0.70 ? random.NextDouble() * 21 : roll < 0.95 ? 21 + (random.NextDouble() * 220) : 240 + (random.NextDouble() * 700);
            return Math.Max(on.DayNumber - Start.DayNumber + delay, after + 0.001);
        }

        void Add(Guid stream, StreamKind kind, bool starts, object data, double loggedAt) =>
            plan.Add(new Planned(stream, kind, starts, data, loggedAt, plan.Count));

        var evaluationId = Guid.NewGuid();
        Add(evaluationId, StreamKind.Evaluation, true,
            new EvaluationCreated(evaluationId, "Synthetic evaluation", Start, End, "Generated by the state benchmark", "bench-lead"), -1000);

        // Sites: a third exemplars, then followers, then others; most enrol in the first year.
        var roles = Enumerable.Range(0, SiteCount)
            .Select(i => i < ExemplarCount ? ProgrammeRole.Exemplar : i < ExemplarCount + FollowerCount ? ProgrammeRole.Follower : ProgrammeRole.Other)
            .OrderBy(_ => random.Next()).ToArray();
        var sites = new List<Site>();
        for (var i = 0; i < SiteCount; i++)
        {
            var id = Guid.NewGuid();
            var enrolled = Day(random.Next(5) == 0 ? random.Next(365, 900) : random.Next(0, 365));
            DateOnly? withdrawn = random.Next(6) == 0 ? Between(enrolled.AddDays(700), End.AddDays(-30)) : null;
            var kind = random.Next(6) == 0 ? (SiteKind)random.Next(1, 4) : SiteKind.Acute;
            var loggedAt = Logged(enrolled, -999);
            Add(id, StreamKind.Site, true, new SiteEnrolled(evaluationId, id, $"S{i + 1:00}", kind, roles[i], $"cohort-{random.Next(1, 4)}",
                Regions[random.Next(Regions.Length)], Systems[random.Next(Systems.Length)], (CaseDepth)random.Next(3), enrolled), loggedAt);
            sites.Add(new Site(id, roles[i], enrolled, withdrawn, loggedAt));

            for (var c = random.Next(4, 13); c > 0; c--)
            {
                var on = Between(enrolled.AddDays(1), (withdrawn ?? End).AddDays(-1));
                var change = new SiteAttributesChanged(evaluationId, id, on,
                    random.Next(15) == 0 ? (SiteKind)random.Next(0, 4) : null,
                    roles[i] == ProgrammeRole.Other && random.Next(5) == 0 ? ProgrammeRole.Follower : null,
                    random.Next(4) == 0 ? $"cohort-{random.Next(1, 4)}" : null,
                    random.Next(8) == 0 ? Regions[random.Next(Regions.Length)] : null,
                    random.Next(2) == 0 ? Systems[random.Next(Systems.Length)] : null,
                    random.Next(3) == 0 ? (CaseDepth)random.Next(3) : null);
                change = change is { Kind: null, ProgrammeRole: null, Cohort: null, Region: null, EprSystem: null, CaseDepth: null }
                    ? change with { EprSystem = Systems[random.Next(Systems.Length)] }
                    : change;
                Add(id, StreamKind.Site, false, change, Logged(on, loggedAt));
            }

            if (withdrawn is { } w)
            {
                Add(id, StreamKind.Site, false, new SiteWithdrawn(evaluationId, id, w, "Left the programme"), Logged(w, loggedAt));
            }
        }

        // Pairings: distinct exemplar-follower pairs, each with a window in which both sites take part.
        var exemplars = sites.Where(s => s.Role == ProgrammeRole.Exemplar).ToArray();
        var followers = sites.Where(s => s.Role == ProgrammeRole.Follower).ToArray();
        var used = new HashSet<(Guid, Guid)>();
        var windows = new List<(Guid Id, DateOnly From, DateOnly To, double LoggedAt)>();
        while (windows.Count < PairingCount)
        {
            var exemplar = exemplars[random.Next(exemplars.Length)];
            var follower = followers[random.Next(followers.Length)];
            var earliest = exemplar.EnrolledOn > follower.EnrolledOn ? exemplar.EnrolledOn : follower.EnrolledOn;
            var latest = new[] { exemplar.WithdrawnOn ?? End, follower.WithdrawnOn ?? End }.Min();
            if (latest.DayNumber - earliest.DayNumber < 240 || !used.Add((exemplar.Id, follower.Id)))
            {
                continue;
            }

            var id = Guid.NewGuid();
            var proposed = earliest.AddDays(random.Next(0, Math.Min(400, (latest.DayNumber - earliest.DayNumber) / 2)));
            DateOnly? established = random.Next(10) == 0 ? null : proposed.AddDays(random.Next(7, 91));
            DateOnly? dissolved = latest < End ? Between((established ?? proposed).AddDays(30), latest)
                : random.Next(5) == 0 ? Between((established ?? proposed).AddDays(180), End)
                : null;
            var created = Logged(proposed, Math.Max(exemplar.LoggedAt, follower.LoggedAt));
            Add(id, StreamKind.Pairing, true, new PairingProposed(evaluationId, id, exemplar.Id, follower.Id, proposed), created);
            var establishedAt = created;
            if (established is { } e)
            {
                establishedAt = Logged(e, created);
                Add(id, StreamKind.Pairing, false, new PairingEstablished(evaluationId, id, e), establishedAt);
            }

            var dissolvedAt = created;
            if (dissolved is { } d)
            {
                dissolvedAt = Logged(d, created);
                Add(id, StreamKind.Pairing, false, new PairingDissolved(evaluationId, id, d, "Partnership ended"), dissolvedAt);
            }

            for (var a = random.Next(10) < 7 ? random.Next(1, 4) : 0; a > 0; a--)
            {
                var on = Between(proposed, dissolved ?? End);
                Add(id, StreamKind.Pairing, false, new AlignmentAssessed(evaluationId, id, on, random.Next(2) == 0, random.Next(2) == 0,
                    Math.Round((decimal)(random.NextDouble() * 400), 1), random.Next(3) == 0, random.Next(1, 6), random.Next(2) == 0 ? "Assessed at the site visit" : null),
                    Logged(on, created));
            }

            if (random.Next(100) < 15)
            {
                // Corrections move the proposal earlier, the establishment by a few days, the dissolution later:
                // the dates stay in order and no exchange falls outside the corrected window.
                var correction = new PairingDatesCorrected(evaluationId, id,
                    random.Next(2) == 0 ? proposed.AddDays(-random.Next(1, 30)) : null,
                    established is { } was && random.Next(2) == 0 ? was.AddDays(random.Next(-5, 6)) : null,
                    dissolved is { } gone && random.Next(2) == 0 ? (gone.AddDays(random.Next(1, 21)) is var later && later <= End ? later : End) : null);
                correction = correction is { ProposedOn: null, EstablishedOn: null, DissolvedOn: null }
                    ? correction with { ProposedOn = proposed.AddDays(-1) }
                    : correction;
                Add(id, StreamKind.Pairing, false, correction,
                    Logged((correction.DissolvedOn ?? correction.EstablishedOn ?? correction.ProposedOn)!.Value.AddDays(30), Math.Max(establishedAt, dissolvedAt)));
            }

            windows.Add((id, proposed, dissolved ?? End, created));
        }

        // Knowledge exchanges fill the rest of the budget, spread over the pairings unevenly.
        var weights = windows.Select(w => (0.1 + Math.Pow(random.NextDouble(), 2)) * (w.To.DayNumber - w.From.DayNumber)).ToArray();
        var cumulative = new double[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            cumulative[i] = weights[i] + (i == 0 ? 0 : cumulative[i - 1]);
        }

        for (var x = Math.Max(0, events - plan.Count); x > 0; x--)
        {
            var pick = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
            var (id, from, to, created) = windows[Math.Min(pick < 0 ? ~pick : pick, windows.Count - 1)];
            var on = Between(from, to);
            var evidence = Enumerable.Range(0, random.Next(3)).Select(_ => Guid.NewGuid()).ToList();
            Add(id, StreamKind.Pairing, false, new KnowledgeExchangeObserved(evaluationId, id, Guid.NewGuid(), on,
                (ExchangeDirection)(random.Next(10) switch { < 5 => 0, < 8 => 1, _ => 2 }), (ExchangeChannel)random.Next(2),
                Topics[random.Next(Topics.Length)], evidence), Logged(on, created));
        }

        return [.. plan.OrderBy(p => p.LoggedAt).ThenBy(p => p.Order)];
    }
}
