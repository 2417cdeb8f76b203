using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Fieldwork.Benchmarks.Resilience;

/// <summary>What one request got: its kind, status (0 when no answer came), time, and the id it wrote.</summary>
public sealed record Outcome(string Operation, int Status, double Milliseconds, DateTime At, Guid Id, Guid? Finding);

/// <summary>
/// The load the resilience runs put on the API: many clients, each in its own loop, logging
/// interviews, coding them and revising shared findings (with expectedVersion, so they race).
/// Client 0 retries every interview it logs three times with the same id, as a client that never
/// saw an answer would. Every outcome is kept, so the store can be checked against what the API
/// acknowledged.
/// </summary>
public sealed class Workload
{
    public const string Interview = "POST /interviews";
    public const string Coding = "POST /codings";
    public const string Revision = "POST /findings/{id}/revisions";

    private readonly ConcurrentQueue<Outcome> outcomes = new();
    private readonly ConcurrentDictionary<Guid, int> logged = new();

    private Workload(Guid evaluationId, Guid waveId, Guid[] siteIds, Guid participantId, Guid[] codeIds, Guid[] findingIds)
    {
        EvaluationId = evaluationId;
        WaveId = waveId;
        SiteIds = siteIds;
        ParticipantId = participantId;
        CodeIds = codeIds;
        FindingIds = findingIds;
    }

    public Guid EvaluationId { get; }

    public Guid WaveId { get; }

    public Guid[] SiteIds { get; }

    public Guid ParticipantId { get; }

    public Guid[] CodeIds { get; }

    public Guid[] FindingIds { get; }

    public IReadOnlyCollection<Outcome> Outcomes => outcomes;

    /// <summary>An evaluation with a wave, two sites, a consenting participant, five codes and four findings.</summary>
    public static async Task<Workload> SetUpAsync(HttpClient http, string name)
    {
        var evaluation = await LoggingBenchmark.CreateAsync(http, "api/evaluations", new
        {
            id = Guid.NewGuid(),
            name,
            startsOn = "2016-09-01",
            endsOn = "2021-09-30",
            description = "Created by the resilience run",
        });
        var root = $"api/evaluations/{evaluation}";
        var wave = await LoggingBenchmark.CreateAsync(http, $"{root}/waves",
            new { id = Guid.NewGuid(), name = "2018", startsOn = "2018-01-01", endsOn = "2018-12-31" });
        var sites = new Guid[2];
        for (var i = 0; i < sites.Length; i++)
        {
            sites[i] = await LoggingBenchmark.CreateAsync(http, $"{root}/sites", new
            {
                id = Guid.NewGuid(),
                code = $"R{i + 1}",
                kind = "acute",
                programmeRole = i == 0 ? "exemplar" : "follower",
                cohort = "cohort-1",
                region = "North West",
                eprSystem = "Cerner",
                caseDepth = "inDepth",
                enrolledOn = "2016-09-01",
            });
        }

        var participant = await LoggingBenchmark.CreateAsync(http, $"{root}/participants", new
        {
            id = Guid.NewGuid(),
            pseudonym = "P01",
            role = "Chief clinical information officer",
            siteId = sites[0],
            consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = false, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
        });
        var codes = new Guid[5];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = await LoggingBenchmark.CreateAsync(http, $"{root}/codebook/codes",
                new { id = Guid.NewGuid(), name = $"Code {i + 1}", definition = "A code of the resilience run.", dimension = "organisation" });
        }

        var findings = new Guid[4];
        for (var i = 0; i < findings.Length; i++)
        {
            findings[i] = await LoggingBenchmark.CreateAsync(http, $"{root}/findings",
                new { id = Guid.NewGuid(), statement = $"Finding {i + 1}, as first drafted.", siteIds = new[] { sites[0] } });
        }

        return new Workload(evaluation, wave, sites, participant, codes, findings);
    }

    /// <summary>
    /// Runs <paramref name="clients"/> loops until <paramref name="duration"/> has passed; client
    /// <c>i</c> sends through <paramref name="clientFor"/>(i).
    /// </summary>
    public async Task RunAsync(Func<int, HttpClient> clientFor, int clients, TimeSpan duration, int seed)
    {
        var deadline = DateTime.UtcNow + duration;
        var loops = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(seed + c);
            var mine = new List<(Guid Id, int Length)>();
            while (DateTime.UtcNow < deadline)
            {
                var http = clientFor(c);
                var roll = random.Next(100);
                if (roll < 45 || mine.Count == 0)
                {
                    var (id, length, status) = await LogAsync(http, random, attempts: c == 0 ? 3 : 1);
                    if (status is >= 200 and < 300)
                    {
                        mine.Add((id, length));
                    }
                }
                else if (roll < 85)
                {
                    var (evidence, length) = mine[random.Next(mine.Count)];
                    await CodeAsync(http, random, evidence, length);
                }
                else
                {
                    await ReviseAsync(http, random);
                }
            }
        })).ToArray();
        await Task.WhenAll(loops);
    }

    /// <summary>Every interview id sent, with whether any attempt was acknowledged.</summary>
    public IEnumerable<(Guid Id, bool Acknowledged)> Interviews() =>
        outcomes.Where(o => o.Operation == Interview).GroupBy(o => o.Id)
            .Select(g => (g.Key, g.Any(o => o.Status is >= 200 and < 300)));

    public IEnumerable<(Guid Id, bool Acknowledged)> Codings() =>
        outcomes.Where(o => o.Operation == Coding).GroupBy(o => o.Id)
            .Select(g => (g.Key, g.Any(o => o.Status is >= 200 and < 300)));

    private async Task<(Guid Id, int Length, int Status)> LogAsync(HttpClient http, Random random, int attempts)
    {
        var id = Guid.NewGuid();
        var body = new
        {
            id,
            occurredOn = new DateOnly(2018, 1, 1).AddDays(random.Next(365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            waveId = WaveId,
            siteIds = new[] { SiteIds[random.Next(SiteIds.Length)] },
            participantIds = new[] { ParticipantId },
            format = "oneToOne",
            mode = "video",
            durationMinutes = random.Next(20, 91),
            transcript = Demo.SyntheticText.Transcript(random, random.Next(300, 1_200)).TrimEnd(),
        };
        var best = 0;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var status = await SendAsync(http, Interview, id, null, $"api/evaluations/{EvaluationId}/interviews", body);
            best = best is >= 200 and < 300 ? best : status;
        }

        if (best is >= 200 and < 300)
        {
            logged[id] = body.transcript.Length;
        }

        return (id, body.transcript.Length, best);
    }

    private async Task CodeAsync(HttpClient http, Random random, Guid evidence, int length)
    {
        var start = random.Next(Math.Max(1, length - 10));
        var end = Math.Min(length, start + random.Next(5, 60));
        var id = Guid.NewGuid();
        await SendAsync(http, Coding, id, null, $"api/evaluations/{EvaluationId}/evidence/{evidence}/codings",
            new { id, codeId = CodeIds[random.Next(CodeIds.Length)], textVersion = 1, start, end, note = "resilience run" });
    }

    private async Task ReviseAsync(HttpClient http, Random random)
    {
        var finding = FindingIds[random.Next(FindingIds.Length)];
        var watch = Stopwatch.StartNew();
        var at = DateTime.UtcNow;
        int version;
        try
        {
            using var read = await http.GetAsync(new Uri($"api/evaluations/{EvaluationId}/findings/{finding}", UriKind.Relative));
            if (read.StatusCode != HttpStatusCode.OK)
            {
                outcomes.Enqueue(new Outcome("GET /findings/{id} (not 200)", (int)read.StatusCode, watch.Elapsed.TotalMilliseconds, at, finding, finding));
                await Task.Delay(100); // the database is away: do not spin
                return;
            }

            version = JsonNode.Parse(await read.Content.ReadAsStringAsync())!["version"]!.GetValue<int>();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            outcomes.Enqueue(new Outcome("GET /findings/{id} (not 200)", 0, watch.Elapsed.TotalMilliseconds, at, finding, finding));
            await Task.Delay(50);
            return;
        }

        await SendAsync(http, Revision, Guid.NewGuid(), finding, $"api/evaluations/{EvaluationId}/findings/{finding}/revisions",
            new { expectedVersion = version, statement = $"Finding revised from version {version} at {DateTime.UtcNow:O}." });
    }

    private async Task<int> SendAsync(HttpClient http, string operation, Guid id, Guid? finding, string path, object body)
    {
        var watch = Stopwatch.StartNew();
        var at = DateTime.UtcNow;
        int status;
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, LoggingBenchmark.Json);
            status = (int)response.StatusCode;
            if (status >= 500 && status != 503)
            {
                Console.Error.WriteLine($"{operation} answered {status}: {await response.Content.ReadAsStringAsync()}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            status = 0;
        }

        outcomes.Enqueue(new Outcome(operation, status, watch.Elapsed.TotalMilliseconds, at, id, finding));
        if (status is 0 or 503)
        {
            await Task.Delay(100); // the API or its database is away: do not spin
        }

        return status;
    }
}
