using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Fieldwork.Api.Auth;
using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Integrity;
using Marten;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Fieldwork.Benchmarks;

/// <summary>
/// The integrity chain and provenance at scale: the daemon chaining a log of about a million
/// events, verify recomputing the whole chain against a plain read of the same rows, and the
/// provenance of a finding resting on 200 codings against reading the finding itself.
/// </summary>
public static class AuditBenchmark
{
    private const string Lead = "bench-lead";
    private const int EventsPerStream = 100;

    public static async Task<int> RunAsync(IDocumentStore store, string connection, int events, int samples, bool emptyFirst)
    {
        await using var dataSource = new NpgsqlDataSourceBuilder(connection).Build();
        if (emptyFirst)
        {
            await EmptyAsync(store);
        }
        else
        {
            Console.WriteLine("Database given by ConnectionStrings__Fieldwork: not emptied; earlier data changes the figures.");
        }

        var watch = Stopwatch.StartNew();
        var appended = await SeedLogAsync(store, events);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Appended {appended:N0} events ({appended / EventsPerStream:N0} evidence streams of {EventsPerStream}: a logging and codings) in {watch.Elapsed.TotalSeconds:0.0} s"));

        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LoggingBenchmark.SigningKey));
        var settings = new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key);
        watch.Restart();
        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        Console.Error.WriteLine($"API started from {api.Dll} on {api.Address}");
        var total = await ScalarAsync(dataSource, $"select count(*) from {FieldworkStore.Schema}.mt_events");
        var chained = await WaitForChainAsync(dataSource, TimeSpan.FromMinutes(20));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"The API's daemon chained {chained:N0} of {total:N0} events in {watch.Elapsed.TotalSeconds:0.0} s from start-up " +
            $"({chained / watch.Elapsed.TotalSeconds:N0} events/s)."));
        Console.WriteLine();

        var report = await EventChain.VerifyAsync(dataSource, FieldworkStore.Schema);
        if (!report.Ok || report.Checked < chained)
        {
            throw new InvalidOperationException($"verify did not hold on an untouched store: {report}");
        }

        var verifySamples = Math.Max(3, samples / 10);
        var baseline = await Measure.RunAsync("plain Npgsql: read every event's row as text (the columns the chain hashes)", verifySamples, async _ =>
        {
            await using var command = dataSource.CreateCommand($"select {EventChain.Columns("e")} from {FieldworkStore.Schema}.mt_events e order by e.seq_id");
            await using var reader = await command.ExecuteReaderAsync();
            long rows = 0, characters = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                characters += reader.GetString(4).Length;
            }

            if (rows < chained)
            {
                throw new InvalidOperationException("fewer rows than chained");
            }
        }, warmup: 1);
        var verify = await Measure.RunAsync("verify: recompute and compare the whole chain (EventChain.VerifyAsync, as the verb runs it)", verifySamples,
            async _ => await EventChain.VerifyAsync(dataSource, FieldworkStore.Schema), warmup: 1);
        Measure.Report(string.Create(CultureInfo.InvariantCulture, $"Verify over {report.Checked:N0} events"), baseline, verify);

        using var http = LoggingBenchmark.Client(api.Address, Tokens.Mint(settings, Lead, TimeProvider.System));
        var finding = await SeedFindingAsync(store, http, 200);
        var read = await Get(http, "GET /findings/{id} (the finding alone)", finding, samples);
        var tree = await Get(http, "GET /findings/{id}/provenance (tree, 200 codings)", $"{finding}/provenance", samples);
        var prov = await Get(http, "GET /findings/{id}/provenance?format=prov-json (200 codings)", $"{finding}/provenance?format=prov-json", samples);
        Measure.Report("Provenance of a finding resting on 200 codings", read, tree, prov);
        return 0;
    }

    /// <summary>Evidence streams of one observation and 99 codings each, appended through Marten (events and inline projections as the API writes them).</summary>
    private static async Task<long> SeedLogAsync(IDocumentStore store, int events)
    {
        var evaluation = Guid.NewGuid();
        var code = Guid.NewGuid();
        var streams = Math.Max(1, events / EventsPerStream);
        var random = new Random(20261126);
        for (var first = 0; first < streams; first += 100)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = Lead;
            for (var s = first; s < Math.Min(streams, first + 100); s++)
            {
                var id = Guid.NewGuid();
                var batch = new List<object>
                {
                    new ObservationLogged(evaluation, id, new DateOnly(2018, 1, 1).AddDays(s % 365), null, [Guid.NewGuid()], null,
                        ObservationSetting.Meeting, 60),
                };
                for (var c = 1; c < EventsPerStream; c++)
                {
                    var start = random.Next(5000);
                    batch.Add(new CodingApplied(evaluation, id, Guid.NewGuid(), code, 1, start, start + 20 + random.Next(200), Lead,
                        c % 10 == 0 ? "A note on why this span matters for the analysis." : null));
                }

                session.Events.StartStream<EvidenceTimeline>(id, [.. batch]);
            }

            await session.SaveChangesAsync();
        }

        return (long)streams * EventsPerStream;
    }

    /// <summary>Waits for the store's chain and then every evaluation's chain to reach the end of the log; answers what the store's chain covered.</summary>
    internal static async Task<long> WaitForEveryChainAsync(NpgsqlDataSource dataSource)
    {
        var chained = await WaitForChainAsync(dataSource, TimeSpan.FromMinutes(30));
        var last = await ScalarAsync(dataSource, $"select coalesce(max(seq_id), 0) from {FieldworkStore.Schema}.mt_events");
        while (await ScalarAsync(dataSource, $"select coalesce(max(up_to), 0) from {FieldworkStore.Schema}.{EvaluationChain.MarkTable}") < last)
        {
            await Task.Delay(250);
        }

        return chained;
    }

    internal static async Task<long> WaitForChainAsync(NpgsqlDataSource dataSource, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var target = await ScalarAsync(dataSource, $"select coalesce(max(seq_id), 0) from {FieldworkStore.Schema}.mt_events");
        while (deadline.Elapsed < timeout)
        {
            var head = await ScalarAsync(dataSource, $"select coalesce(max(seq_id), 0) from {FieldworkStore.Schema}.{EventChain.Table}");
            if (head >= target)
            {
                return await ScalarAsync(dataSource, $"select count(*) from {FieldworkStore.Schema}.{EventChain.Table}");
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("the daemon did not chain the log in time");
    }

    /// <summary>Over HTTP: an evaluation with a code; 40 interviews' worth of observations with 5 codings each appended directly; a finding linking all 200.</summary>
    private static async Task<string> SeedFindingAsync(IDocumentStore store, HttpClient http, int codings)
    {
        var evaluation = await LoggingBenchmark.CreateAsync(http, "api/evaluations", new
        {
            name = $"Audit benchmark {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}",
            startsOn = "2016-09-01",
            endsOn = "2021-09-30",
        });
        var root = $"api/evaluations/{evaluation}";
        var site = await LoggingBenchmark.CreateAsync(http, $"{root}/sites", new
        {
            code = "EX1",
            kind = "acute",
            programmeRole = "exemplar",
            cohort = "cohort-1",
            region = "North",
            eprSystem = "Cerner",
            caseDepth = "inDepth",
            enrolledOn = "2016-09-01",
        });
        var code = await LoggingBenchmark.CreateAsync(http, $"{root}/codebook/codes", new { name = "Workarounds", definition = "Informal practices" });
        var text = EvidenceText.Normalise(string.Concat(Enumerable.Repeat("Staff found ways round the order screen when it was slow. ", 40)));
        var ids = new List<Guid>();
        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = Lead;
            for (var i = 0; i < codings / 5; i++)
            {
                var id = Guid.NewGuid();
                var events = new List<object>
                {
                    new ObservationLogged(evaluation, id, new DateOnly(2018, 3, 1).AddDays(i), null, [site], null, ObservationSetting.SiteVisit, 90),
                    new TextVersionAdded(evaluation, id, 1, text.Length, text.Sha256, text.Text, null),
                };
                for (var c = 0; c < 5; c++)
                {
                    var coding = Guid.NewGuid();
                    ids.Add(coding);
                    events.Add(new CodingApplied(evaluation, id, coding, code, 1, c * 100, c * 100 + 60, Lead, null));
                }

                session.Events.StartStream<EvidenceTimeline>(id, [.. events]);
            }

            await session.SaveChangesAsync();
        }

        var finding = await LoggingBenchmark.CreateAsync(http, $"{root}/findings", new { statement = "Workarounds cluster where the order screen is slow." });
        using var linked = await http.PostAsJsonAsync(new Uri($"{root}/findings/{finding}/evidence", UriKind.Relative),
            new { expectedVersion = 1, stance = "supporting", codingIds = ids }, LoggingBenchmark.Json);
        if (linked.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"linking answered {(int)linked.StatusCode}: {await linked.Content.ReadAsStringAsync()}");
        }

        var tree = JsonNode.Parse(await http.GetStringAsync(new Uri($"{root}/findings/{finding}/provenance", UriKind.Relative)))!;
        var quoted = tree["evidence"]!.AsArray().Count(l => l!["coding"]?["quote"] is not null);
        if (quoted != codings)
        {
            throw new InvalidOperationException($"provenance shows {quoted} quoted codings, not {codings}");
        }

        return $"{root}/findings/{finding}";
    }

    private static Task<Timing> Get(HttpClient http, string name, string path, int samples) => Measure.RunAsync(name, samples, async _ =>
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
        }

        await response.Content.ReadAsByteArrayAsync();
    }, warmup: 3);

    internal static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Empties the (private benchmark) database: documents, events, and the integrity chain with
    /// its progress, which Marten's own clean-up leaves behind (a stale chain head would stop the
    /// daemon chaining the new log).
    /// </summary>
    internal static async Task EmptyAsync(IDocumentStore store)
    {
        await store.Advanced.Clean.DeleteAllDocumentsAsync();
        await store.Advanced.Clean.DeleteAllEventDataAsync();
        await using var session = store.LightweightSession();
        session.QueueSqlCommand($"truncate {FieldworkStore.Schema}.{EventChain.Table}");
        session.QueueSqlCommand($"truncate {FieldworkStore.Schema}.{EvaluationChain.Table}, {FieldworkStore.Schema}.{EvaluationChain.MarkTable}, " +
            $"{FieldworkStore.Schema}.{EvaluationChain.CheckpointTable}");
        session.QueueSqlCommand($"delete from {FieldworkStore.Schema}.mt_event_progression where name like 'EventChain%'");
        await session.SaveChangesAsync();
    }

}
