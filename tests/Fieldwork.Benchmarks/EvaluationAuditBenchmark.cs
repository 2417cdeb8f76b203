using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Fieldwork.Api.Auth;
using Fieldwork.Demo;
using Fieldwork.Integrity;
using Marten;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Reads and audit of one evaluation as the store grows: the demo's audit list (a page deep in
/// it), its state as known at a past instant, and verify of its own chain (from its first event,
/// and from its last checkpoint), first with the demo alone in the store (the baseline), then with
/// <c>others</c> demo-sized evaluations loaded after it, each through the API and its daemon.
/// </summary>
public static class EvaluationAuditBenchmark
{
    private static readonly Fieldwork.Secrets.KeyRing Keys =
        new(new Fieldwork.Secrets.KeyEncryptionKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    private sealed record Read(string Name, string Path, int Samples);

    public static async Task<int> RunAsync(IDocumentStore store, string connection, int others, int samples, bool emptyFirst)
    {
        await using var dataSource = new NpgsqlDataSourceBuilder(connection).Build();
        if (!emptyFirst)
        {
            Console.Error.WriteLine("evaluation-audit empties its database: run it on the private benchmark database only.");
            return 2;
        }

        await AuditBenchmark.EmptyAsync(store);
        var demo = await DemoEvaluation.SeedBulkAsync(store, Keys, 2018, "Demo (benchmark)");
        var root = $"api/evaluations/{demo.EvaluationId}";
        var reads = new[]
        {
            new Read("GET /audit?offset=10000&limit=50 (a page deep in the demo's log)", $"{root}/audit?offset=10000&limit=50", samples),
            new Read("GET /state?knownAt=2019-06-30", $"{root}/state?knownAt=2019-06-30", samples),
            new Read("GET /audit/verify?full=true (the demo's chain from its first event)", $"{root}/audit/verify?full=true", Math.Max(5, samples / 2)),
            new Read("GET /audit/verify (from the demo's last checkpoint)", $"{root}/audit/verify", samples),
        };

        var alone = await MeasureAsync(store, connection, dataSource, reads, $"the demo alone ({demo.Events:N0} events)");
        var watch = Stopwatch.StartNew();
        long added = 0;
        for (var i = 1; i <= others; i++)
        {
            added += (await DemoEvaluation.SeedBulkAsync(store, Keys, 2018 * 1000 + i, $"Benchmark evaluation {i} of {others}")).Events;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Loaded {others} more demo-sized evaluations ({added:N0} events) in {watch.Elapsed.TotalSeconds:0.0} s."));
        var total = await AuditBenchmark.ScalarAsync(dataSource, $"select count(*) from {FieldworkStore.Schema}.mt_events");
        var full = await MeasureAsync(store, connection, dataSource, reads, $"the demo and {others} others ({total:N0} events)");

        Console.WriteLine($"### The demo's reads and audit, alone in the store vs with {others} demo-sized evaluations ({total:N0} events)");
        Console.WriteLine();
        Console.WriteLine("| read | samples | median ms alone (baseline) | median ms in the full store | full / alone |");
        Console.WriteLine("|---|---|---|---|---|");
        for (var i = 0; i < reads.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {reads[i].Name} | {alone[i].Milliseconds.Count} | {alone[i].Median:0.0} | {full[i].Median:0.0} | {full[i].Median / alone[i].Median:0.00} |"));
        }

        Console.WriteLine();
        watch.Restart();
        var report = await EventChain.VerifyAsync(dataSource, FieldworkStore.Schema);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"For scale: verify of the whole store's chain ({report.Checked:N0} events, status {report.Status}), once: {watch.Elapsed.TotalMilliseconds:N0} ms."));
        return 0;
    }

    private static async Task<Timing[]> MeasureAsync(IDocumentStore store, string connection, NpgsqlDataSource dataSource, Read[] reads, string label)
    {
        var watch = Stopwatch.StartNew();
        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        var chained = await AuditBenchmark.WaitForEveryChainAsync(dataSource);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"With {label}: the API's daemon chained {chained:N0} events (the store's chain and each evaluation's) {watch.Elapsed.TotalSeconds:0.0} s after start-up."));
        await AuditBenchmark.ScalarAsync(dataSource, $"select count(*) from (select 1 from {FieldworkStore.Schema}.mt_events) warm");
        await using (var analyze = dataSource.CreateCommand($"analyze {FieldworkStore.Schema}.mt_events"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LoggingBenchmark.SigningKey));
        var settings = new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key);
        using var http = LoggingBenchmark.Client(api.Address, Tokens.Mint(settings, DemoEvaluation.Lead, TimeProvider.System));
        var timings = new Timing[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            var path = reads[i].Path;
            timings[i] = await Measure.RunAsync(reads[i].Name, reads[i].Samples, async _ =>
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || (path.Contains("/verify", StringComparison.Ordinal) && !body.Contains("\"ok\":true", StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
                }
            }, warmup: 3);
        }

        Measure.Report($"The demo's reads with {label}", timings[0], timings[1..]);
        return timings;
    }
}
