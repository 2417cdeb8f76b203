using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Fieldwork.Api.Auth;
using Fieldwork.Demo;
using Fieldwork.Integrity;
using Marten;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Fieldwork.Benchmarks;

/// <summary>
/// The reads a user makes of one evaluation (state, a site, state as known at a past instant, a
/// page of codings, agreement, the matrix, verify of its own chain from its first event) as the store and the evaluation grow: first the demo
/// alone in the store; then, with one evaluation of <c>size</c> times the demo's evidence and
/// codings and <c>others</c> demo-sized evaluations loaded after it, the demo's reads again and
/// the big evaluation's. Each phase has its own baseline, measured in the same API process: the
/// cheapest authenticated read (the demo's codebook).
/// </summary>
public static class StoreReadsBenchmark
{
    /// <summary>The key the API process started by the harness uses too: reads of codings open the texts' keys for quotes.</summary>
    private static readonly Fieldwork.Secrets.KeyRing Keys = new(Fieldwork.Secrets.KeyEncryptionKey.Parse(
        Fieldwork.Api.Hosting.LocalState.Secret(Path.Combine(Fieldwork.Api.Hosting.LocalState.Directory, "benchmark-key-encryption-key"),
            Fieldwork.Secrets.KeyEncryptionKey.NewText), "the benchmark's key-encryption key"));

    public static async Task<int> RunAsync(IDocumentStore store, string connection, int samples, int others, int size, bool emptyFirst, bool again = false)
    {
        if (!emptyFirst)
        {
            Console.Error.WriteLine("store-reads empties its database: run it on the private benchmark database only.");
            return 2;
        }

        await using var dataSource = new NpgsqlDataSourceBuilder(connection).Build();
        if (again)
        {
            return await AgainAsync(dataSource, connection, samples);
        }

        await AuditBenchmark.EmptyAsync(store);
        var demo = await DemoEvaluation.SeedBulkAsync(store, Keys, 2018, "Demo (benchmark)");
        var alone = await MeasureAsync(connection, dataSource, samples, [demo.EvaluationId], $"the demo alone ({demo.Events:N0} events)");

        var watch = Stopwatch.StartNew();
        var big = await DemoEvaluation.SeedBulkAsync(store, Keys, 5000, $"Big evaluation ({size} times the demo's evidence)", size: size);
        long added = big.Events;
        for (var i = 1; i <= others; i++)
        {
            added += (await DemoEvaluation.SeedBulkAsync(store, Keys, 2018 * 1000 + i, $"Benchmark evaluation {i} of {others}")).Events;
        }

        var total = await AuditBenchmark.ScalarAsync(dataSource, $"select count(*) from {FieldworkStore.Schema}.mt_events");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Loaded the big evaluation ({big.Events:N0} events, {big.Interviews + big.Observations + big.Documents:N0} items, {big.Codings:N0} codings) and {others} demo-sized others: {added:N0} events in {watch.Elapsed.TotalSeconds:0.0} s; {total:N0} in the store."));
        var full = await MeasureAsync(connection, dataSource, samples, [demo.EvaluationId, big.EvaluationId], $"the full store ({total:N0} events)");

        Console.WriteLine($"### One evaluation's reads as the store and the evaluation grow ({total:N0} events in the full store), {samples} samples each after 3 warm-up");
        Console.WriteLine();
        Console.WriteLine($"Demo: {demo.Events:N0} events, {demo.Interviews + demo.Observations + demo.Documents:N0} items, {demo.Codings:N0} codings. " +
                          $"Big: {big.Events:N0} events, {big.Interviews + big.Observations + big.Documents:N0} items, {big.Codings:N0} codings.");
        Console.WriteLine();
        Console.WriteLine("| read | demo alone: median ms | / baseline | demo in the full store: median ms | / baseline | full / alone (by ratio) | big: median ms | / baseline |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < alone.Length; i++)
        {
            var a = alone[i][0];
            var f = full[i][0];
            var b = full[i][1];
            var ra = a.Median / alone[0][0].Median;
            var rf = f.Median / full[0][0].Median;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {a.Name}{(i == 0 ? " (baseline)" : "")} | {a.Median:0.0} | {ra:0.0} | {f.Median:0.0} | {rf:0.0} | {rf / ra:0.00} | {b.Median:0.0} | {b.Median / full[0][0].Median:0.0} |"));
        }

        Console.WriteLine();
        return 0;
    }

    /// <summary>The full store a previous run left (its demo and big evaluation), measured again without seeding: the full-store columns only.</summary>
    private static async Task<int> AgainAsync(NpgsqlDataSource dataSource, string connection, int samples)
    {
        Guid[] evaluations = [DemoEvaluation.EvaluationId(2018), DemoEvaluation.EvaluationId(5000)];
        foreach (var evaluation in evaluations)
        {
            if (await AuditBenchmark.ScalarAsync(dataSource,
                    $"select count(*) from {FieldworkStore.Schema}.mt_streams where id = '{evaluation}'") == 0)
            {
                Console.Error.WriteLine("store-reads again needs the store a full store-reads run left: run it without 'again' first.");
                return 2;
            }
        }

        var total = await AuditBenchmark.ScalarAsync(dataSource, $"select count(*) from {FieldworkStore.Schema}.mt_events");
        var full = await MeasureAsync(connection, dataSource, samples, evaluations, $"the full store again ({total:N0} events)");
        Console.WriteLine($"### The full store measured again ({total:N0} events), {samples} samples each after 3 warm-up");
        Console.WriteLine();
        Console.WriteLine("| read | demo: median ms | / baseline | big: median ms | / baseline |");
        Console.WriteLine("|---|---|---|---|---|");
        for (var i = 0; i < full.Length; i++)
        {
            var (d, b) = (full[i][0], full[i][1]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {d.Name}{(i == 0 ? " (baseline)" : "")} | {d.Median:0.0} | {d.Median / full[0][0].Median:0.0} | {b.Median:0.0} | {b.Median / full[0][0].Median:0.0} |"));
        }

        Console.WriteLine();
        return 0;
    }

    /// <summary>Starts the API, waits for its daemon to catch up, and measures every read of each evaluation (the first's codebook is the baseline).</summary>
    private static async Task<Timing[][]> MeasureAsync(string connection, NpgsqlDataSource dataSource, int samples, Guid[] evaluations, string label)
    {
        var watch = Stopwatch.StartNew();
        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        var chained = await AuditBenchmark.WaitForEveryChainAsync(dataSource);

        await using (var analyze = dataSource.CreateCommand($"analyze"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"With {label}: the daemon chained {chained:N0} events {watch.Elapsed.TotalSeconds:0.0} s after start-up."));
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LoggingBenchmark.SigningKey));
        var token = Tokens.Mint(new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key), DemoEvaluation.Lead, TimeProvider.System);
        using var http = LoggingBenchmark.Client(api.Address, token);

        var reads = new List<(string Name, string Path)[]>();
        foreach (var evaluation in evaluations)
        {
            var root = $"api/evaluations/{evaluation}";
            var site = (await ReadsBenchmark.GetAsync(http, $"{root}/sites"))["items"]![0]!["id"]!.GetValue<Guid>();
            var audit = await ReadsBenchmark.GetAsync(http, $"{root}/audit?limit=1&to=2019-06-30T00:00:00Z");
            var knownAt = audit["items"]!.AsArray().Count > 0 ? audit["items"]![0]!["recordedAt"]!.GetValue<string>() : "2019-06-30T00:00:00Z";
            reads.Add(
            [
                ("GET /codebook", $"{root}/codebook"),
                ("GET /state", $"{root}/state"),
                ("GET /sites/{id}", $"{root}/sites/{site}"),
                ("GET /state?knownAt= (mid-2019)", $"{root}/state?knownAt={Uri.EscapeDataString(knownAt)}"),
                ("GET /codings?limit=50", $"{root}/codings?limit=50"),
                ("GET /agreement?coderIds= (two coders)", $"{root}/agreement?coderIds=demo-analyst,demo-analyst-2"),
                ("GET /matrix?rows=sites&columns=codes", $"{root}/matrix?rows=sites&columns=codes"),
                ("GET /audit/verify?full=true (the evaluation's chain from its first event)", $"{root}/audit/verify?full=true"),
            ]);
        }

        var timings = new Timing[reads[0].Length][];
        for (var r = 0; r < reads[0].Length; r++)
        {
            timings[r] = new Timing[evaluations.Length];
            for (var e = 0; e < evaluations.Length; e++)
            {
                var (name, path) = reads[e][r];
                timings[r][e] = await Measure.RunAsync(name, samples, _ => ReadsBenchmark.GetAsync(http, path), warmup: 3);
            }
        }

        return timings;
    }
}
