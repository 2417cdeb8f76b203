using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fieldwork.Api.Auth;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using NpgsqlTypes;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Write throughput of logging interviews through the real API (a separate process, over HTTP
/// on loopback) with many clients at once, against the same number of plain one-row Npgsql
/// transactions at the same concurrency on the same database: what the whole stack (HTTP, auth,
/// the access check, validation, the idempotency record, sealing the transcript, the event
/// append and inline projections) costs over the database's own price of a small transaction.
/// </summary>
public static class LoggingBenchmark
{
    /// <summary>A fixed test secret (48 characters); only for the benchmark's own API process.</summary>
    internal const string SigningKey = "fieldwork-benchmark-signing-key-not-a-secret-48c";
    internal const string User = "bench-lead";
    private const int Seed = 20261126;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal sealed record Setup(Guid EvaluationId, Guid WaveId, Guid ExemplarId, Guid FollowerId, Guid ParticipantId);

    /// <summary>One path's burst with the CPU and database counters it used.</summary>
    private sealed record Measured(Burst Burst, CpuTimes Cpu, DatabaseCounters Db);

    /// <summary>One round: the baseline, the same rows by hand, the API.</summary>
    private sealed record Round(Measured Baseline, Measured Same, Measured Served);

    /// <summary>One measured path: per-request latencies and the wall time of the whole burst.</summary>
    internal sealed record Burst(string Name, int Clients, IReadOnlyList<double> Milliseconds, TimeSpan Wall)
    {
        public double Throughput => Milliseconds.Count / Wall.TotalSeconds;

        public double P50 => new Timing(Name, Milliseconds).Percentile(0.50);

        public double P99 => new Timing(Name, Milliseconds).Percentile(0.99);

        public string Row(Burst baseline) => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Milliseconds.Count:N0} | {Clients} | {Wall.TotalSeconds:0.00} | {Throughput:N0} | {P50:0.0} | {P99:0.0} | {Throughput / baseline.Throughput:0.00} |");
    }

    /// <param name="interviews">Requests per path in each round.</param>
    /// <param name="rounds">Rounds of (baseline burst, API burst); the ratio reported is the median of the rounds'.</param>
    public static async Task<int> RunAsync(string connection, int interviews, int clients, int warmup, int rounds = 3)
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey));
        var token = Tokens.Mint(new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key), User, TimeProvider.System);

        await using var api = await ApiProcess.StartAsync(connection, SigningKey, TimeSpan.FromMinutes(3));
        Console.Error.WriteLine($"API started from {api.Dll} on {api.Address}");

        var http = Enumerable.Range(0, clients).Select(_ => Client(api.Address, token)).ToArray();
        try
        {
            var setup = await SetUpAsync(http[0]);
            var random = new Random(Seed);
            var bodies = Enumerable.Range(0, warmup + rounds * interviews).Select(_ => InterviewBody(setup, random)).ToArray();
            var payloads = bodies.Select(b => Encoding.UTF8.GetString(b)).ToArray();
            var route = new Uri($"api/evaluations/{setup.EvaluationId}/interviews", UriKind.Relative);

            await using var dataSource = new NpgsqlDataSourceBuilder(connection).Build();
            await CreateBaselineTableAsync(dataSource);

            // The API's daemon first chains whatever earlier runs left unchained; neither path is timed until it has.
            await AuditBenchmark.WaitForChainAsync(dataSource, TimeSpan.FromMinutes(20));

            var failures = new ConcurrentQueue<string>();
            async Task Post(int client, int i)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                try
                {
                    using var response = await http[client].PostAsync(route, content);
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

            async Task Insert(int client, int i)
            {
                await using var db = await dataSource.OpenConnectionAsync();
                await using var transaction = await db.BeginTransactionAsync();
                await using var command = new NpgsqlCommand(
                    "insert into bench.bench_plain_inserts (id, evaluation_id, occurred_on, recorded_by, payload) values ($1, $2, $3, $4, $5)",
                    db, transaction);
                command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
                command.Parameters.Add(new NpgsqlParameter { Value = setup.EvaluationId });
                command.Parameters.Add(new NpgsqlParameter { Value = new DateOnly(2018, 1, 1).AddDays(i % 365) });
                command.Parameters.Add(new NpgsqlParameter { Value = User });
                command.Parameters.Add(new NpgsqlParameter { Value = payloads[i], NpgsqlDbType = NpgsqlDbType.Jsonb });
                await command.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }

            // Warm-up: both paths at full concurrency, on their own bodies, not counted.
            await BurstAsync("warm-up", 0, warmup, clients, Post);
            await BurstAsync("warm-up", 0, warmup, clients, Insert);
            Fail(failures, warmup, "warm-up");

            // The hand-written copy of the rows the warm-up's interviews left, warmed up in turn.
            var sameRows = await SameRows.PrepareAsync(dataSource, setup.EvaluationId, [setup.ExemplarId, setup.FollowerId], [setup.ParticipantId], warmup);
            await BurstAsync("warm-up", 0, warmup, clients, (_, i) => sameRows.WriteAsync(i));

            var postmaster = await CpuTimes.PostmasterAsync(dataSource);
            var measured = new List<Round>();
            for (var round = 0; round < rounds; round++)
            {
                // Each round waits for the daemon to chain the previous round's events, so no path pays for another.
                await AuditBenchmark.WaitForChainAsync(dataSource, TimeSpan.FromMinutes(20));
                var first = warmup + round * interviews;

                async Task<Measured> MeasureAsync(string name, Func<int, int, Task> operation)
                {
                    var db0 = await DatabaseCounters.SettledAsync(dataSource);
                    var cpu0 = CpuTimes.Now(api.Pid, postmaster);
                    var burst = await BurstAsync(name, first, interviews, clients, operation);
                    var cpu1 = CpuTimes.Now(api.Pid, postmaster);
                    var db1 = await DatabaseCounters.SettledAsync(dataSource);
                    return new Measured(burst, cpu1 - cpu0, db1 - db0);
                }

                var baseline = await MeasureAsync("plain Npgsql transaction: BEGIN, INSERT one ~2 KB jsonb row, COMMIT (baseline)", Insert);
                var same = await MeasureAsync("the rows one interview leaves, by hand: one round trip reads, one writes 6 rows (an implicit transaction)", (_, i) => sameRows.WriteAsync(i));
                var served = await MeasureAsync("POST /interviews over HTTP (API process)", Post);
                Fail(failures, interviews, $"measured round {round + 1}");
                measured.Add(new Round(baseline, same, served));
            }

            await CheckCountAsync(http[0], setup.EvaluationId, warmup + rounds * interviews);

            var sizes = bodies.Select(b => b.Length).ToArray();
            Console.WriteLine($"### Logging interviews: {rounds} rounds of {interviews:N0} requests per path from {clients} concurrent clients (after {warmup} warm-up each path)");
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Bodies: {sizes.Min():N0} to {sizes.Max():N0} bytes of JSON (mean {sizes.Average():N0}), the same bytes as the baseline's jsonb payload.") +
                " The second path writes again, under fresh ids and into empty tables made like Marten's, the rows the API left for the warm-up's interviews.");
            Console.WriteLine();
            Console.WriteLine("| round | path | requests | clients | wall s | throughput req/s | p50 ms | p99 ms | throughput vs baseline |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            for (var round = 0; round < rounds; round++)
            {
                var (baseline, same, served) = measured[round];
                foreach (var path in new[] { baseline, same, served })
                {
                    Console.WriteLine($"| {round + 1} " + path.Burst.Row(baseline.Burst));
                }
            }

            Console.WriteLine();
            var ratio = Median(measured, r => r.Served.Burst.Throughput / r.Baseline.Burst.Throughput, out var rounds1);
            var floor = Median(measured, r => r.Same.Burst.Throughput / r.Baseline.Burst.Throughput, out var rounds2);
            var overhead = Median(measured, r => r.Served.Burst.Throughput / r.Same.Burst.Throughput, out var rounds3);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"HTTP / baseline throughput, median of {rounds} rounds: {ratio:0.00} (rounds: {rounds1}; aim: at least 0.33) - {(ratio >= 1.0 / 3 ? "met" : "NOT met")}"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"The same rows by hand / baseline: {floor:0.00} (rounds: {rounds2}); HTTP / the same rows by hand: {overhead:0.00} (rounds: {rounds3})."));
            Console.WriteLine();
            Console.WriteLine($"Where the time goes, per request over all rounds (CPU from /proc, database counters from pg_stat_database); cores busy = CPU / wall time, of {Environment.ProcessorCount}:");
            Console.WriteLine();
            Console.WriteLine("| path | API CPU ms | PostgreSQL CPU ms | harness CPU ms | cores busy (these three) | cores busy (other processes) | transactions (each read is one) | rows inserted |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            Console.WriteLine(FootprintRow("baseline", measured.Select(m => m.Baseline)));
            Console.WriteLine(FootprintRow("the same rows by hand", measured.Select(m => m.Same)));
            Console.WriteLine(FootprintRow("POST /interviews", measured.Select(m => m.Served)));
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

    private static double Median(List<Round> rounds, Func<Round, double> ratio, out string each)
    {
        var ratios = rounds.Select(ratio).Order().ToArray();
        each = string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)));
        return ratios[ratios.Length / 2];
    }

    /// <summary>The rounds of one path as one burst: every latency, the walls added.</summary>
    private static Burst Join(IEnumerable<Burst> bursts)
    {
        var list = bursts.ToList();
        return new Burst(list[0].Name, list[0].Clients, [.. list.SelectMany(b => b.Milliseconds)], TimeSpan.FromTicks(list.Sum(b => b.Wall.Ticks)));
    }

    private static string FootprintRow(string name, IEnumerable<Measured> rounds)
    {
        var list = rounds.ToList();
        var cpu = list.Select(m => m.Cpu).Aggregate((a, b) => a + b);
        var db = list.Select(m => m.Db).Aggregate((a, b) => a + b);
        var burst = Join(list.Select(m => m.Burst));
        double PerRequest(double total) => total / burst.Milliseconds.Count;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {PerRequest(cpu.Api * 1000):0.00} | {PerRequest(cpu.Postgres * 1000):0.00} | {PerRequest(cpu.Harness * 1000):0.00} | " +
            $"{cpu.Total / burst.Wall.TotalSeconds:0.00} | {cpu.Others / burst.Wall.TotalSeconds:0.00} | {PerRequest(db.Commits):0.0} | {PerRequest(db.Inserted):0.0} |");
    }

    internal static HttpClient Client(Uri address, string token)
    {
        // One connection per client: each client is its own caller with its own loop.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseCookies = false };
        var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Runs <paramref name="count"/> operations (numbered from <paramref name="first"/>) over <paramref name="clients"/> loops started together.</summary>
    internal static async Task<Burst> BurstAsync(string name, int first, int count, int clients, Func<int, int, Task> operation)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loops = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var times = new List<double>(count / clients + 1);
            await start.Task;
            for (var i = first + client; i < first + count; i += clients)
            {
                var watch = Stopwatch.StartNew();
                await operation(client, i);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            return times;
        })).ToArray();

        var wall = Stopwatch.StartNew();
        start.SetResult();
        var all = await Task.WhenAll(loops);
        wall.Stop();
        return new Burst(name, clients, [.. all.SelectMany(t => t)], wall.Elapsed);
    }

    private static void Fail(ConcurrentQueue<string> failures, int requests, string phase)
    {
        if (failures.IsEmpty)
        {
            return;
        }

        var sample = string.Join(Environment.NewLine, failures.Take(5).Select(f => "  " + (f.Length > 500 ? f[..500] + "..." : f)));
        throw new InvalidOperationException(
            $"{failures.Count} of {requests} interview requests in the {phase} did not answer 201 Created. First ones:{Environment.NewLine}{sample}");
    }

    /// <summary>The evaluation the interviews go into: a wave in 2018, an exemplar, a follower and a participant who consents to recording.</summary>
    internal static async Task<Setup> SetUpAsync(HttpClient http)
    {
        var evaluation = await CreateAsync(http, "api/evaluations", new
        {
            id = Guid.NewGuid(),
            name = $"Logging benchmark {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}",
            startsOn = "2016-09-01",
            endsOn = "2021-09-30",
            description = "Created by the logging benchmark",
        });
        var root = $"api/evaluations/{evaluation}";
        var wave = await CreateAsync(http, $"{root}/waves", new { id = Guid.NewGuid(), name = "2018", startsOn = "2018-01-01", endsOn = "2018-12-31" });
        var exemplar = await CreateAsync(http, $"{root}/sites", new
        {
            id = Guid.NewGuid(),
            code = "EX1",
            kind = "acute",
            programmeRole = "exemplar",
            cohort = "cohort-1",
            region = "North West",
            eprSystem = "Cerner",
            caseDepth = "inDepth",
            enrolledOn = "2016-09-01",
        });
        var follower = await CreateAsync(http, $"{root}/sites", new
        {
            id = Guid.NewGuid(),
            code = "FO1",
            kind = "acute",
            programmeRole = "follower",
            cohort = "cohort-1",
            region = "North West",
            eprSystem = "Cerner",
            caseDepth = "broader",
            enrolledOn = "2017-09-01",
        });
        var participant = await CreateAsync(http, $"{root}/participants", new
        {
            id = Guid.NewGuid(),
            pseudonym = "P01",
            role = "Chief nursing information officer",
            siteId = exemplar,
            consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = false, lawfulBasis = "publicTask", informationSheetVersion = "v1.2" },
        });
        return new Setup(evaluation, wave, exemplar, follower, participant);
    }

    internal static async Task<Guid> CreateAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Json);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Set-up: POST /{path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!["id"]!.GetValue<Guid>();
    }

    /// <summary>Reads the evaluation back: every interview logged must be counted.</summary>
    private static async Task CheckCountAsync(HttpClient http, Guid evaluationId, int expected)
    {
        var text = await http.GetStringAsync(new Uri($"api/evaluations/{evaluationId}", UriKind.Relative));
        if (JsonNode.Parse(text)?["counts"]?["interviews"] is not { } counted)
        {
            Console.Error.WriteLine("The evaluation read carries no counts.interviews; the logged interviews were not counted back.");
            return;
        }

        if (counted.GetValue<int>() != expected)
        {
            throw new InvalidOperationException($"The evaluation counts {counted.GetValue<int>()} interviews, not the {expected} logged.");
        }
    }

    private static byte[] InterviewBody(Setup setup, Random random)
    {
        var format = random.Next(4) == 0 ? "group" : "oneToOne";
        var body = new
        {
            id = Guid.NewGuid(),
            occurredOn = new DateOnly(2018, 1, 1).AddDays(random.Next(365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            waveId = setup.WaveId,
            siteIds = random.Next(2) == 0 ? new[] { setup.ExemplarId, setup.FollowerId } : new[] { setup.ExemplarId },
            participantIds = new[] { setup.ParticipantId },
            format,
            mode = (random.Next(3)) switch { 0 => "inPerson", 1 => "phone", _ => "video" },
            durationMinutes = random.Next(20, 91),
            transcript = Demo.SyntheticText.Transcript(random, 2048),
        };
        return JsonSerializer.SerializeToUtf8Bytes(body, Json);
    }

    private static async Task CreateBaselineTableAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            create schema if not exists bench;
            drop table if exists bench.bench_plain_inserts;
            create table bench.bench_plain_inserts (
                id uuid primary key,
                evaluation_id uuid not null,
                occurred_on date not null,
                recorded_by text not null,
                recorded_at timestamptz not null default now(),
                payload jsonb not null
            );
            """);
        await command.ExecuteNonQueryAsync();
    }
}
