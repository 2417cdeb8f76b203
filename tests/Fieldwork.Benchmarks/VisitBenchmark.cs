using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fieldwork.Api.Auth;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Syncing a visit: the same ten items (four interviews with transcripts, three observations with
/// field notes, three documents with text) sent as one POST /visits, against the same items sent
/// as ten requests one after another (the baseline: what a field app did before visits), through
/// the real API (a separate process, over HTTP on loopback), many clients at once. Reported per
/// visit synced (latency: all ten items stored) and per item stored (throughput).
/// </summary>
public static class VisitBenchmark
{
    private const int Seed = 20261201;
    private const int ItemsPerVisit = 10;

    /// <param name="visits">Visits per path in each round.</param>
    /// <param name="rounds">Rounds of (ten requests, one visit); the ratio reported is the median of the rounds'.</param>
    public static async Task<int> RunAsync(string connection, int visits, int clients, int warmup, int rounds = 3)
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LoggingBenchmark.SigningKey));
        var token = Tokens.Mint(new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key), LoggingBenchmark.User, TimeProvider.System);

        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        Console.Error.WriteLine($"API started from {api.Dll} on {api.Address}");
        var http = Enumerable.Range(0, clients).Select(_ => LoggingBenchmark.Client(api.Address, token)).ToArray();
        try
        {
            var setup = await LoggingBenchmark.SetUpAsync(http[0]);
            var random = new Random(Seed);
            var total = 2 * (warmup + rounds * visits);
            var planned = Enumerable.Range(0, total).Select(_ => PlanVisit(setup, random)).ToArray();
            var root = $"api/evaluations/{setup.EvaluationId}";

            await using var dataSource = new NpgsqlDataSourceBuilder(connection).Build();
            await AuditBenchmark.WaitForChainAsync(dataSource, TimeSpan.FromMinutes(20));

            var failures = new ConcurrentQueue<string>();
            async Task Send(int client, string path, byte[] body)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                try
                {
                    using var response = await http[client].PostAsync(new Uri(path, UriKind.Relative), content);
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        failures.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue($"{e.GetType().Name}: {e.Message}");
                }
            }

            // Each path takes its own visits (even numbers: ten requests; odd: one visit), so no body is sent twice.
            async Task TenRequests(int client, int i)
            {
                foreach (var (route, body) in planned[2 * i].Items)
                {
                    await Send(client, $"{root}/{route}", body);
                }
            }

            Task OneVisit(int client, int i) => Send(client, $"{root}/visits", planned[2 * i + 1].Visit);

            await LoggingBenchmark.BurstAsync("warm-up", 0, warmup, clients, TenRequests);
            await LoggingBenchmark.BurstAsync("warm-up", 0, warmup, clients, OneVisit);
            Fail(failures, "warm-up");

            var measured = new List<(LoggingBenchmark.Burst Ten, LoggingBenchmark.Burst One)>();
            for (var round = 0; round < rounds; round++)
            {
                await AuditBenchmark.WaitForChainAsync(dataSource, TimeSpan.FromMinutes(20));
                var first = warmup + round * visits;
                var ten = await LoggingBenchmark.BurstAsync("the ten items as ten requests, one after another (baseline)", first, visits, clients, TenRequests);
                await AuditBenchmark.WaitForChainAsync(dataSource, TimeSpan.FromMinutes(20));
                var one = await LoggingBenchmark.BurstAsync("the visit with its ten items as one POST /visits", first, visits, clients, OneVisit);
                Fail(failures, $"round {round + 1}");
                measured.Add((ten, one));
            }

            Console.WriteLine($"### Syncing visits: {rounds} rounds of {visits:N0} visits of {ItemsPerVisit} items per path from {clients} concurrent clients (after {warmup} warm-up visits each path)");
            Console.WriteLine();
            Console.WriteLine("Each visit: four interviews with ~2 KB transcripts, three observations with field notes, three documents with text. Latency is per visit (all ten items stored); throughput counts items stored.");
            Console.WriteLine();
            Console.WriteLine("| round | path | visits | clients | wall s | items/s | p50 ms per visit | p99 ms per visit | items/s vs baseline |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            for (var round = 0; round < rounds; round++)
            {
                var (ten, one) = measured[round];
                foreach (var burst in new[] { ten, one })
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {round + 1} | {burst.Name} | {burst.Milliseconds.Count:N0} | {clients} | {burst.Wall.TotalSeconds:0.00} | " +
                        $"{burst.Throughput * ItemsPerVisit:N0} | {burst.P50:0.0} | {burst.P99:0.0} | {burst.Throughput / ten.Throughput:0.00} |"));
                }
            }

            Console.WriteLine();
            var ratios = measured.Select(m => m.One.Throughput / m.Ten.Throughput).Order().ToArray();
            var latency = measured.Select(m => m.Ten.P50 / m.One.P50).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"One visit / ten requests, items per second, median of {rounds} rounds: {ratios[rounds / 2]:0.00} " +
                $"(rounds: {string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}); " +
                $"a visit synced {latency[rounds / 2]:0.0} times sooner at the median."));
            Console.WriteLine();
            return 0;
        }
        finally
        {
            foreach (var client in http)
            {
                client.Dispose();
            }
        }
    }

    private sealed record PlannedVisit(byte[] Visit, IReadOnlyList<(string Route, byte[] Body)> Items);

    /// <summary>One visit's ten items, as one visit body and as ten item bodies (the same items under their own ids).</summary>
    private static PlannedVisit PlanVisit(LoggingBenchmark.Setup setup, Random random)
    {
        var day = new DateOnly(2018, 1, 1).AddDays(random.Next(364));
        var on = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var sites = new[] { setup.ExemplarId, setup.FollowerId };
        var items = new List<(string Route, Dictionary<string, object?> Fields)>();
        for (var i = 0; i < 4; i++)
        {
            items.Add(("interviews", new()
            {
                ["kind"] = "interview",
                ["id"] = Guid.NewGuid(),
                ["occurredOn"] = on,
                ["waveId"] = setup.WaveId,
                ["siteIds"] = new[] { setup.ExemplarId },
                ["participantIds"] = new[] { setup.ParticipantId },
                ["format"] = "oneToOne",
                ["mode"] = "inPerson",
                ["durationMinutes"] = random.Next(20, 91),
                ["transcript"] = Demo.SyntheticText.Transcript(random, 2048),
            }));
        }

        for (var i = 0; i < 3; i++)
        {
            items.Add(("observations", new()
            {
                ["kind"] = "observation",
                ["id"] = Guid.NewGuid(),
                ["occurredOn"] = on,
                ["waveId"] = setup.WaveId,
                ["siteIds"] = sites,
                ["setting"] = "meeting",
                ["durationMinutes"] = random.Next(30, 181),
                ["fieldNotes"] = Demo.SyntheticText.Transcript(random, 1024),
            }));
        }

        for (var i = 0; i < 3; i++)
        {
            items.Add(("documents", new()
            {
                ["kind"] = "document",
                ["id"] = Guid.NewGuid(),
                ["capturedOn"] = on,
                ["waveId"] = setup.WaveId,
                ["title"] = $"Board paper {random.Next(1000)}",
                ["issuer"] = "Trust board",
                ["documentType"] = "boardPaper",
                ["siteIds"] = new[] { setup.FollowerId },
                ["text"] = Demo.SyntheticText.Transcript(random, 1024),
            }));
        }

        var visit = new Dictionary<string, object?>
        {
            ["id"] = Guid.NewGuid(),
            ["siteIds"] = sites,
            ["startsOn"] = on,
            ["waveId"] = setup.WaveId,
            ["fieldworkerIds"] = new[] { LoggingBenchmark.User },
            ["purpose"] = "Case study visit",
            ["items"] = items.Select(i => i.Fields).ToArray(),
        };
        var bodies = items.Select(i =>
        {
            var fields = new Dictionary<string, object?>(i.Fields);
            fields.Remove("kind");
            fields["id"] = Guid.NewGuid();
            return (i.Route, JsonSerializer.SerializeToUtf8Bytes(fields, LoggingBenchmark.Json));
        }).ToList();
        return new PlannedVisit(JsonSerializer.SerializeToUtf8Bytes(visit, LoggingBenchmark.Json), bodies);
    }

    private static void Fail(ConcurrentQueue<string> failures, string phase)
    {
        if (failures.IsEmpty)
        {
            return;
        }

        var sample = string.Join(Environment.NewLine, failures.Take(5).Select(f => "  " + (f.Length > 500 ? f[..500] + "..." : f)));
        throw new InvalidOperationException($"{failures.Count} requests in the {phase} did not answer 201 Created. First ones:{Environment.NewLine}{sample}");
    }
}
