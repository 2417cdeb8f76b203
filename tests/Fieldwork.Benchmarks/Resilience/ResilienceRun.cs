using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fieldwork.Api.Auth;
using Fieldwork.Api.Hosting;
using Marten;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Fieldwork.Benchmarks.Resilience;

/// <summary>
/// The long half of the resilience suite (the fast half runs in the test suite): the real API as
/// separate processes under 32 concurrent clients, with a plain load, a SIGKILL of the API in the
/// middle of the load and a restart, a PostgreSQL fast stop and start under load, and two API
/// processes on one database. After each, <see cref="StoreChecks"/> checks the store against
/// every answer the clients got. The figures go into docs/reliability.md between its markers.
/// </summary>
public static class ResilienceRun
{
    private const string Begin = "<!-- resilience:begin -->";
    private const string End = "<!-- resilience:end -->";
    private const string Lead = "resilience-lead";

    private sealed record Scenario(string Name, string What, Workload Load, TimeSpan Wall, StoreChecks.Result Checks, IReadOnlyList<string> Notes);

    public static async Task<int> RunAsync(int seconds, int clients)
    {
        var given = Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is { Length: > 0 } cs ? cs : null;
        var connection = given ?? await LocalPostgres.EnsureDatabaseAsync("fieldwork_resilience", Console.Error.WriteLine);
        await using var store = DocumentStore.For(opts => FieldworkStore.Configure(opts, connection));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        if (given is null)
        {
            await AuditBenchmark.EmptyAsync(store);
        }

        await using var dataSource = NpgsqlDataSource.Create(connection);
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LoggingBenchmark.SigningKey));
        var token = Tokens.Mint(new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key), Lead, TimeProvider.System);
        var started = DateTime.UtcNow;
        var duration = TimeSpan.FromSeconds(seconds);
        var scenarios = new List<Scenario>
        {
            await LoadAsync(dataSource, connection, token, clients, duration),
            await CrashAsync(dataSource, connection, token, clients, duration),
        };
        if (given is null)
        {
            scenarios.Add(await PostgresRestartAsync(dataSource, connection, token, clients, duration));
        }
        else
        {
            Console.Error.WriteLine("A database given by ConnectionStrings__Fieldwork is never restarted: the PostgreSQL restart is left out.");
        }

        scenarios.Add(await TwoProcessesAsync(dataSource, connection, token, clients, duration));

        var text = Render(scenarios, clients, started, await Report.MachineAsync(connection));
        Console.WriteLine(text);
        Console.Error.WriteLine($"Wrote the figures into {await Report.WriteSectionAsync("reliability.md", Begin, End, text)}");
        var failed = scenarios.Sum(s => s.Checks.Failed.Count);
        Console.Error.WriteLine(failed == 0 ? "Every check held." : $"{failed} checks FAILED.");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>One API, the load for the whole duration.</summary>
    private static async Task<Scenario> LoadAsync(NpgsqlDataSource dataSource, string connection, string token, int clients, TimeSpan duration)
    {
        Say("load: one API process");
        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        var http = Clients(api.Address, token, clients);
        var load = await Workload.SetUpAsync(http[0], "Resilience: load");
        var watch = Stopwatch.StartNew();
        await load.RunAsync(c => http[c], clients, duration, 1);
        var wall = watch.Elapsed;
        var checks = await CheckAsync(connection, dataSource, load);
        Dispose(http);
        return new Scenario("Load", $"{clients} clients against one API process for {duration.TotalSeconds:0} s", load, wall, checks, []);
    }

    /// <summary>The API is killed with SIGKILL a third of the way in, and started again on the same port two seconds later.</summary>
    private static async Task<Scenario> CrashAsync(NpgsqlDataSource dataSource, string connection, string token, int clients, TimeSpan duration)
    {
        Say("crash: SIGKILL the API under load, then restart it");
        var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        var http = Clients(api.Address, token, clients);
        var load = await Workload.SetUpAsync(http[0], "Resilience: crash");
        var notes = new List<string>();
        var watch = Stopwatch.StartNew();
        var running = load.RunAsync(c => http[c], clients, duration, 2);
        await Task.Delay(duration / 3);
        var killedAt = DateTime.UtcNow;
        api.Kill();
        await api.DisposeAsync();
        notes.Add(string.Create(CultureInfo.InvariantCulture, $"SIGKILL at {watch.Elapsed.TotalSeconds:0.0} s"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var restart = Stopwatch.StartNew();
        await using var again = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3), api.Port);
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"restarted on the same port: healthy {restart.Elapsed.TotalSeconds:0.0} s after the start command ({(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill)"));
        await running;
        var wall = watch.Elapsed;
        var inFlight = load.Outcomes.Count(o => o.Status == 0 && o.At <= killedAt.AddSeconds(1));
        notes.Add($"requests without an answer around the kill and while the API was down: {load.Outcomes.Count(o => o.Status == 0):N0} ({inFlight:N0} in flight at the kill)");
        var checks = await CheckAsync(connection, dataSource, load);
        Dispose(http);
        return new Scenario("Crash", $"{clients} clients for {duration.TotalSeconds:0} s; the API killed (SIGKILL) a third of the way in and restarted",
            load, wall, checks, notes);
    }

    /// <summary>PostgreSQL stopped (fast) a quarter of the way in, started again five seconds later; /health polled throughout.</summary>
    private static async Task<Scenario> PostgresRestartAsync(NpgsqlDataSource dataSource, string connection, string token,
        int clients, TimeSpan duration)
    {
        Say("postgres: fast stop and start under load");
        // The load must outlast the outage (a quarter in, 5 s down, the start) by enough to show recovery.
        duration = TimeSpan.FromSeconds(Math.Max(duration.TotalSeconds, 20));
        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        var http = Clients(api.Address, token, clients);
        var load = await Workload.SetUpAsync(http[0], "Resilience: PostgreSQL restart");
        var health = new ConcurrentQueue<(DateTime At, int Status, double Ms)>();
        using var stop = new CancellationTokenSource();
        var poller = Task.Run(async () =>
        {
            using var probe = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) };
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                int status;
                try
                {
                    using var response = await probe.GetAsync(new Uri("health", UriKind.Relative));
                    status = (int)response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }

                health.Enqueue((DateTime.UtcNow, status, watch.Elapsed.TotalMilliseconds));
                await Task.Delay(250);
            }
        });

        var notes = new List<string>();
        var wall = Stopwatch.StartNew();
        var running = load.RunAsync(c => http[c], clients, duration, 3);
        await Task.Delay(duration / 4);
        var stopping = DateTime.UtcNow;
        var downAt = wall.Elapsed;
        await LocalPostgres.StopPrivateClusterAsync();
        var down = DateTime.UtcNow; // fully stopped: from here on nothing can reach it
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"PostgreSQL stopped (pg_ctl stop -m fast) at {downAt.TotalSeconds:0.0} s; the stop took {(down - stopping).TotalSeconds:0.0} s"));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var restarting = DateTime.UtcNow;
        var starting = Stopwatch.StartNew();
        await LocalPostgres.EnsureDatabaseAsync("fieldwork_resilience");
        var up = DateTime.UtcNow;
        dataSource.Clear(); // the harness's own pooled connections died with the server
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"started again at {wall.Elapsed.TotalSeconds:0.0} s (the start took {starting.Elapsed.TotalSeconds:0.0} s): down {(up - down).TotalSeconds:0.0} s"));
        await running;
        var elapsed = wall.Elapsed;
        await stop.CancelAsync();
        await poller;

        var during = load.Outcomes.Where(o => o.At >= down && o.At < restarting).ToList();
        var firstOkAfter = load.Outcomes.Where(o => o.At >= up && o.Status is >= 200 and < 300).Select(o => o.At).DefaultIfEmpty().Min();
        var probes = health.Where(h => h.At >= down && h.At < restarting).ToList();
        notes.Add($"requests sent while PostgreSQL was fully down (from the end of the stop to the start command): {during.Count:N0}, answered {Statuses(during)}; slowest {Max(during):N0} ms");
        notes.Add($"GET /health in that window: {Statuses(probes.Select(p => p.Status))}; slowest {(probes.Count == 0 ? 0 : probes.Max(p => p.Ms)):N0} ms");
        notes.Add(firstOkAfter == default
            ? "no request succeeded after PostgreSQL came back"
            : string.Create(CultureInfo.InvariantCulture, $"first 2xx {(firstOkAfter - up).TotalSeconds:0.0} s after PostgreSQL was up again, without restarting the API"));
        var checks = await CheckAsync(connection, dataSource, load);
        var extra = new List<string>();
        if (during.Any(o => o.Status >= 500 && o.Status != 503) || probes.Any(p => p.Status is not (200 or 503)))
        {
            extra.Add("while PostgreSQL was down, something answered other than 503 (or /health other than 200/503)");
        }

        if (firstOkAfter == default)
        {
            extra.Add("the API did not recover after PostgreSQL restarted");
        }

        Dispose(http);
        return new Scenario("PostgreSQL restart", $"{clients} clients for {duration.TotalSeconds:0} s; PostgreSQL fast-stopped a quarter of the way in, started 5 s later",
            load, elapsed, checks with { Failed = [.. checks.Failed, .. extra] }, notes);
    }

    /// <summary>
    /// Two API processes on one database, the clients split between them. Halfway, the process
    /// running the async daemon (the holder of Marten's leadership lock) is killed and its clients
    /// move to the other, which must take the daemon over. At the end a fresh single process must
    /// answer the same state as the survivor.
    /// </summary>
    private static async Task<Scenario> TwoProcessesAsync(NpgsqlDataSource dataSource, string connection, string token,
        int clients, TimeSpan duration)
    {
        Say("two API processes on one database");
        await using var a = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3), name: "fieldwork-api-a");
        await using var b = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3), name: "fieldwork-api-b");
        var toA = Clients(a.Address, token, clients);
        var toB = Clients(b.Address, token, clients);
        ApiProcess? dead = null;
        HttpClient For(int c) => (c % 2 == 0 && dead != a) || dead == b ? toA[c] : toB[c];
        var load = await Workload.SetUpAsync(toA[0], "Resilience: two processes");
        var notes = new List<string>();
        var watch = Stopwatch.StartNew();
        var running = load.RunAsync(For, clients, duration, 4);
        await Task.Delay(duration / 2);
        var before = await LockHoldersAsync(dataSource);
        notes.Add($"advisory locks held halfway (lock id: process): {before}");
        var leader = before.Contains("fieldwork-api-b", StringComparison.Ordinal) ? b : a;
        leader.Kill();
        dead = leader;
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"SIGKILL at {watch.Elapsed.TotalSeconds:0.0} s to {(leader == a ? "fieldwork-api-a" : "fieldwork-api-b")}, the process holding the daemon's lock; its clients moved to the other"));
        await running;
        var wall = watch.Elapsed;
        var checks = await CheckAsync(connection, dataSource, load);
        var after = await LockHoldersAsync(dataSource);
        notes.Add($"advisory locks held after the run (lock id: process): {after}");
        var survivor = leader == a ? b : a;
        var tookOver = after.Contains(survivor == a ? "fieldwork-api-a" : "fieldwork-api-b", StringComparison.Ordinal);

        // The final state as the survivor answers it, and as a fresh single process answers it.
        var path = new Uri($"api/evaluations/{load.EvaluationId}", UriKind.Relative);
        var fromSurvivor = await (survivor == a ? toA : toB)[1].GetStringAsync(path);
        string fromFresh;
        await using (var fresh = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3), name: "fieldwork-api-c"))
        {
            using var client = LoggingBenchmark.Client(fresh.Address, token);
            fromFresh = await client.GetStringAsync(path);
        }

        var same = fromSurvivor == fromFresh;
        notes.Add($"GET /api/evaluations/{{id}} from the survivor and from a fresh single process: {(same ? "identical" : "DIFFERENT")}");
        Dispose(toA);
        Dispose(toB);
        var failed = new List<string>(checks.Failed);
        if (!same)
        {
            failed.Add("the survivor and a fresh single process answered different states");
        }

        if (!tookOver)
        {
            failed.Add("the surviving process did not take the daemon's lock over");
        }

        return new Scenario("Two processes", $"{clients} clients split over two API processes on one database for {duration.TotalSeconds:0} s; the daemon's process killed halfway",
            load, wall, checks with { Failed = failed }, notes);
    }

    /// <summary>The checks, through a store of their own (one made before a PostgreSQL restart would hold dead connections).</summary>
    private static async Task<StoreChecks.Result> CheckAsync(string connection, NpgsqlDataSource dataSource, Workload load)
    {
        await using var store = DocumentStore.For(opts => FieldworkStore.Configure(opts, connection));
        return await StoreChecks.RunAsync(store, dataSource, load, TimeSpan.FromMinutes(5));
    }

    /// <summary>Which process holds each advisory lock of this database (Marten's daemon leadership is one of them).</summary>
    private static async Task<string> LockHoldersAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            select l.objid, a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and a.datname = current_database() order by l.objid
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var holders = new List<string>();
        while (await reader.ReadAsync())
        {
            holders.Add($"{reader.GetFieldValue<uint>(0)}: {reader.GetString(1)}");
        }

        return holders.Count == 0 ? "none" : string.Join("; ", holders);
    }

    private static string Render(IReadOnlyList<Scenario> scenarios, int clients, DateTime started, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(Begin);
        text.AppendLine(CultureInfo.InvariantCulture, $"## Latest run ({started:yyyy-MM-dd HH:mm} UTC, generated)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"`tests/resilience.sh` ran every scenario below and wrote this section. {clients} clients; machine: {machine}.");
        text.AppendLine();
        text.AppendLine("| scenario | requests | req/s | 2xx | 409 | other 4xx | 503 | other 5xx | no answer | checks |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in scenarios)
        {
            var o = s.Load.Outcomes;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Name} | {o.Count:N0} | {o.Count / s.Wall.TotalSeconds:N0} | {o.Count(x => x.Status is >= 200 and < 300):N0} | {o.Count(x => x.Status == 409):N0} | " +
                $"{o.Count(x => x.Status is >= 400 and < 500 and not 409):N0} | {o.Count(x => x.Status == 503):N0} | {o.Count(x => x.Status >= 500 && x.Status != 503):N0} | " +
                $"{o.Count(x => x.Status == 0):N0} | {(s.Checks.Ok ? "all held" : $"{s.Checks.Failed.Count} FAILED")} |");
        }

        foreach (var s in scenarios)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"### {s.Name}: {s.What}");
            text.AppendLine();
            text.AppendLine("| request | count | p50 ms | p99 ms |");
            text.AppendLine("|---|---|---|---|");
            foreach (var group in s.Load.Outcomes.Where(o => o.Status != 0).GroupBy(o => o.Operation).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var timing = new Timing(group.Key, [.. group.Select(o => o.Milliseconds)]);
                text.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {group.Count():N0} | {timing.Median:0.0} | {timing.Percentile(0.99):0.0} |");
            }

            text.AppendLine();
            foreach (var note in s.Notes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }

            foreach (var check in s.Checks.Passed)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- held: {check}");
            }

            foreach (var check in s.Checks.Failed)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- **FAILED**: {check}");
            }
        }

        text.Append(End);
        return text.ToString();
    }

    private static string Statuses(IEnumerable<Outcome> outcomes) => Statuses(outcomes.Select(o => o.Status));

    private static string Statuses(IEnumerable<int> statuses)
    {
        var groups = statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))} x{g.Count():N0}").ToList();
        return groups.Count == 0 ? "none" : string.Join(", ", groups);
    }

    private static double Max(IReadOnlyCollection<Outcome> outcomes) => outcomes.Count == 0 ? 0 : outcomes.Max(o => o.Milliseconds);

    private static HttpClient[] Clients(Uri address, string token, int clients) =>
        Enumerable.Range(0, clients).Select(_ => LoggingBenchmark.Client(address, token)).ToArray();

    private static void Dispose(HttpClient[] clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static void Say(string what) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what}");
}
