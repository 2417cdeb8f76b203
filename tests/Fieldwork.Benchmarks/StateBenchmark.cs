using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fieldwork.Api.Timeline;
using Fieldwork.Pairings;
using Fieldwork.Sites;
using Fieldwork.Timeline;
using Marten;
using Marten.Linq;

namespace Fieldwork.Benchmarks;

/// <summary>
/// GET /state answers the evaluation's sites and pairings at a cut of both timelines. This
/// measures the served path (<see cref="ServedState"/>: the inline timeline documents, evaluated
/// in memory) against the reference (<see cref="ReferenceFold"/>: every raw event known at the
/// cut, folded from nothing), with knownAt = now and with a past knownAt, over a synthetic
/// history of about 100,000 events (<see cref="StateHistory"/>).
/// </summary>
public static class StateBenchmark
{
    /// <param name="emptyFirst">
    /// Empty the (private benchmark) database first, so the timings do not depend on what earlier
    /// runs left behind: with more evaluations' documents in the tables, PostgreSQL plans the
    /// queries differently. Never done to a database given by connection string.
    /// </param>
    public static async Task RunAsync(IDocumentStore store, int events, int samples, int seed, bool emptyFirst)
    {
        if (emptyFirst)
        {
            await AuditBenchmark.EmptyAsync(store);
        }
        else
        {
            Console.WriteLine("Database given by ConnectionStrings__Fieldwork: not emptied; earlier data may change the timings.");
        }
        var history = await StateHistory.GenerateAsync(store, events, seed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generated {history.Events:N0} events in {history.BatchSequences.Count} batches in {history.Elapsed.TotalSeconds:0.0} s (seed {seed}): ")
            + string.Join(", ", history.EventsByType.Select(t => $"{t.Value:N0} {t.Key}")));
        Console.WriteLine();

        var random = new Random(seed + 2);
        var days = StateHistory.End.DayNumber - StateHistory.Start.DayNumber + 1;
        var asOfs = Enumerable.Range(0, samples).Select(_ => StateHistory.Start.AddDays(random.Next(days))).ToArray();
        var pastCuts = history.BatchSequences.Take(history.BatchSequences.Count - 1).ToArray();
        var known = Enumerable.Range(0, samples).Select(_ => pastCuts[random.Next(pastCuts.Length)]).ToArray();
        Cut Now(int i) => new(asOfs[i % samples], long.MaxValue);
        Cut Past(int i) => new(asOfs[i % samples], known[i % samples]);

        await CheckAgreementAsync(store, history.EvaluationId,
            [new Cut(StateHistory.End, long.MaxValue), Now(0), Now(1), Now(2), Past(3), Past(4), Past(5), new Cut(StateHistory.End, pastCuts[^1])]);

        var id = history.EvaluationId;
        var referenceNow = await Measure.RunAsync("reference fold, knownAt = now (ReferenceFold.StateAsync)", samples, async i =>
        {
            await using var query = store.QuerySession();
            _ = await ReferenceFold.StateAsync(query, id, Now(i));
        }, warmup: 5);
        var servedNow = await Measure.RunAsync("served, knownAt = now (ServedState.SitesAsync + PairingsAsync)", samples, async i =>
        {
            await using var query = store.QuerySession();
            _ = await ServedState.SitesAsync(query, id, Now(i));
            _ = await ServedState.PairingsAsync(query, id, Now(i));
        });
        var servedPast = await Measure.RunAsync("served, past knownAt", samples, async i =>
        {
            await using var query = store.QuerySession();
            _ = await ServedState.SitesAsync(query, id, Past(i));
            _ = await ServedState.PairingsAsync(query, id, Past(i));
        });
        var referencePast = await Measure.RunAsync("reference fold, past knownAt", samples, async i =>
        {
            await using var query = store.QuerySession();
            _ = await ReferenceFold.StateAsync(query, id, Past(i));
        }, warmup: 5);

        Measure.Report(string.Create(CultureInfo.InvariantCulture,
                $"Evaluation state at a cut (GET /state), {history.Events:N0} events, {samples} random asOf dates"),
            referenceNow, servedNow, servedPast, referencePast);

        await BreakDownAsync(store, id, samples, Now);
    }

    /// <summary>Served and reference must answer the same, to the byte, before either is timed.</summary>
    private static async Task CheckAgreementAsync(IDocumentStore store, Guid evaluationId, Cut[] cuts)
    {
        await using var query = store.QuerySession();
        foreach (var cut in cuts)
        {
            var reference = await ReferenceFold.StateAsync(query, evaluationId, cut);
            var sites = await ServedState.SitesAsync(query, evaluationId, cut);
            var pairings = await ServedState.PairingsAsync(query, evaluationId, cut);
            Same("sites", cut, JsonSerializer.Serialize(reference.Sites), JsonSerializer.Serialize(sites));
            Same("pairings", cut, JsonSerializer.Serialize(reference.Pairings), JsonSerializer.Serialize(pairings));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"agree at asOf {cut.AsOf:yyyy-MM-dd}, knownUpTo {(cut.KnownUpTo == long.MaxValue ? "now" : cut.KnownUpTo)}: "
                + $"{sites.Count} sites, {pairings.Count} pairings, {pairings.Sum(p => p.Exchanges.Total):N0} exchanges"));
        }

        Console.WriteLine();
    }

    private static void Same(string what, Cut cut, string reference, string served)
    {
        if (reference == served)
        {
            return;
        }

        var at = reference.Zip(served).TakeWhile(p => p.First == p.Second).Count();
        throw new InvalidOperationException(
            $"Served {what} differ from the reference fold at {cut} (character {at}):\n"
            + $"  reference: ...{Excerpt(reference, at)}...\n  served:    ...{Excerpt(served, at)}...");
    }

    private static string Excerpt(string text, int at) => text.Substring(Math.Max(0, at - 80), Math.Min(240, text.Length - Math.Max(0, at - 80)));

    /// <summary>
    /// Where the served path's time goes, for knownAt = now: running Marten's own commands for the
    /// two queries and reading the rows (PostgreSQL, the wire, Npgsql's buffering), deserialising
    /// each row with the store's serializer as Marten does, and evaluating the timelines at the cut.
    /// </summary>
    private static async Task BreakDownAsync(IDocumentStore store, Guid evaluationId, int samples, Func<int, Cut> cutOf)
    {
        var serializer = store.Options.Serializer();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        double query = 0, deserialise = 0, evaluate = 0;
        long bytes = 0;
        // Warm-up passes count the bytes of JSON; timed passes do nothing but what Marten does.
        async Task<List<T>> ReadAsync<T>(IQueryable<T> source, bool timed)
            where T : notnull
        {
            var found = new List<T>();
            var started = Stopwatch.GetTimestamp();
            await using var command = source.ToCommand(FetchType.FetchMany);
            command.Connection = connection;
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    bytes += timed ? 0 : reader.GetString(0).Length;
                    var before = Stopwatch.GetTimestamp();
                    found.Add(serializer.FromJson<T>(reader, 0));
                    if (timed)
                    {
                        deserialise += Stopwatch.GetElapsedTime(before).TotalMilliseconds;
                        started += Stopwatch.GetTimestamp() - before;
                    }
                }
            }

            query += timed ? Stopwatch.GetElapsedTime(started).TotalMilliseconds : 0;
            return found;
        }

        int exchanges = 0, timelines = 0;
        for (var i = -5; i < samples; i++)
        {
            var cut = cutOf(Math.Max(i, 0));
            bytes = i == -1 ? 0 : bytes;
            await using var session = store.QuerySession();
            var siteTimelines = await ReadAsync(session.Query<SiteTimeline>().Where(x => x.EvaluationId == evaluationId), i >= 0);
            var pairingTimelines = await ReadAsync(session.Query<PairingTimeline>().Where(x => x.EvaluationId == evaluationId), i >= 0);

            var started = Stopwatch.GetTimestamp();
            var sites = siteTimelines.Select(t => t.AsOf(cut)).OfType<SiteState>().OrderBy(s => s.Code, StringComparer.Ordinal).ToList();
            var pairings = pairingTimelines.Select(t => t.AsOf(cut)).OfType<PairingState>().OrderBy(p => p.ProposedOn).ThenBy(p => p.Id).ToList();
            evaluate += i >= 0 ? Stopwatch.GetElapsedTime(started).TotalMilliseconds : 0;
            exchanges = pairingTimelines.Sum(t => t.ExchangeFacts().Count());
            timelines = siteTimelines.Count + pairingTimelines.Count;
            GC.KeepAlive(sites);
            GC.KeepAlive(pairings);
        }

        Console.WriteLine("### Served path, knownAt = now: where the time goes (mean per request)");
        Console.WriteLine();
        Console.WriteLine("| part | mean ms |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| query: PostgreSQL + wire ({bytes / 1024.0 / 1024.0:0.0} MiB of JSON) | {query / samples:0.000} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| deserialise the {timelines} timelines ({exchanges:N0} exchange facts) | {deserialise / samples:0.000} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| evaluate AsOf + sort | {evaluate / samples:0.000} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| total | {(query + deserialise + evaluate) / samples:0.000} |"));
        Console.WriteLine();
    }
}
