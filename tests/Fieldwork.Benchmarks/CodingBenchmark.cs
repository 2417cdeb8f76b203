using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Fieldwork.Api.Auth;
using Fieldwork.Coding;
using Fieldwork.Evidence;
using Marten;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Agreement, disagreements, matrices and retrieval over HTTP (the real API in its own process)
/// on an evaluation of 1,000 coded texts and 20,000 codings by two coders, against the raw price
/// of reading that evaluation's evidence documents with plain Npgsql, measured in the same run.
/// </summary>
public static class CodingBenchmark
{
    private const string Lead = "bench-lead";
    private const string CoderA = "bench-coder-a";
    private const string CoderB = "bench-coder-b";
    private const int TextLength = 2000;

    private static readonly string[] Words =
    [
        "the", "ward", "order", "comms", "build", "clinical", "safety", "case", "benefits", "tracking", "data", "migration", "training",
        "model", "engagement", "nursing", "documentation", "optimisation", "backlog", "interoperability", "primary", "care", "board",
        "sponsor", "exemplar", "follower", "vendor", "template", "go-live", "super-users", "pharmacy", "theatres", "handover",
    ];

    public static async Task<int> RunAsync(IDocumentStore store, string connection, int texts, int codings, int samples)
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LoggingBenchmark.SigningKey));
        var settings = new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key);
        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        Console.Error.WriteLine($"API started from {api.Dll} on {api.Address}");
        using var http = LoggingBenchmark.Client(api.Address, Tokens.Mint(settings, Lead, TimeProvider.System));

        var random = new Random(20261126);
        var setup = await SetUpAsync(http);
        var watch = Stopwatch.StartNew();
        var perText = codings / texts;
        await SeedAsync(store, setup, texts, perText, random);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeded {texts:N0} observations of {TextLength:N0} characters with {texts * perText:N0} codings by two coders ({setup.Codes.Count} codes, {setup.Sites.Count} sites, 2 waves) in {watch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine();

        var root = $"api/evaluations/{setup.EvaluationId}";
        await CheckAsync(http, root, texts, texts * perText, setup.Codes.Count);

        await using var dataSource = new NpgsqlDataSourceBuilder(connection).Build();
        var baseline = await Measure.RunAsync("plain Npgsql: read the evaluation's evidence documents (jsonb as text)", samples, async _ =>
        {
            await using var command = dataSource.CreateCommand("select data::text from fieldwork.mt_doc_evidencetimeline where evaluation_id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = setup.EvaluationId });
            await using var reader = await command.ExecuteReaderAsync();
            var bytes = 0L;
            while (await reader.ReadAsync())
            {
                bytes += reader.GetString(0).Length;
            }

            if (bytes == 0)
            {
                throw new InvalidOperationException("no evidence documents read");
            }
        }, warmup: 3);

        async Task<Timing> Get(string name, string path) => await Measure.RunAsync(name, samples, async _ =>
        {
            using var response = await http.GetAsync(new Uri($"{root}/{path}", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            await response.Content.ReadAsByteArrayAsync();
        }, warmup: 3);

        var agreement = await Get("GET /agreement?coderIds=a,b (every code, every coded text)", $"agreement?coderIds={CoderA},{CoderB}");
        var disagreements = await Get("GET /disagreements?coderIds=a,b&limit=50 (with quotes)", $"disagreements?coderIds={CoderA},{CoderB}&limit=50");
        var bySiteCode = await Get("GET /matrix?rows=sites&columns=codes", "matrix?rows=sites&columns=codes");
        var byRoleWave = await Get("GET /matrix?rows=programmeRole&columns=waves", "matrix?rows=programmeRole&columns=waves");
        var pastMatrix = await Get("GET /matrix?rows=sites&columns=codes&asOf=2018-06-30", "matrix?rows=sites&columns=codes&asOf=2018-06-30");
        var retrieval = await Get("GET /codings?codeId=(a top-level code)&includeDescendants=true&limit=50 (with quotes)",
            $"codings?codeId={setup.Codes[0]}&includeDescendants=true&limit=50");
        Measure.Report(string.Create(CultureInfo.InvariantCulture, $"Coding analysis over {texts:N0} texts and {texts * perText:N0} codings"),
            baseline, agreement, disagreements, bySiteCode, byRoleWave, pastMatrix, retrieval);
        Console.WriteLine("Aim: agreement and matrix under a second each (median).");
        return 0;
    }

    private sealed record Setup(Guid EvaluationId, IReadOnlyList<Guid> Sites, IReadOnlyList<(Guid Id, DateOnly Starts, DateOnly Ends)> Waves,
        IReadOnlyList<Guid> Codes);

    /// <summary>Over HTTP: the evaluation, two coders, two waves, twelve sites and a codebook of 8 parents with 5 children each.</summary>
    private static async Task<Setup> SetUpAsync(HttpClient http)
    {
        var evaluation = await LoggingBenchmark.CreateAsync(http, "api/evaluations", new
        {
            id = Guid.NewGuid(),
            name = $"Coding benchmark {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}",
            startsOn = "2016-09-01",
            endsOn = "2021-09-30",
        });
        var root = $"api/evaluations/{evaluation}";
        foreach (var coder in new[] { CoderA, CoderB })
        {
            using var response = await http.PostAsync(new Uri($"{root}/members", UriKind.Relative),
                JsonContent(new { userId = coder, role = "analyst" }));
            response.EnsureSuccessStatusCode();
        }

        var waves = new List<(Guid, DateOnly, DateOnly)>();
        foreach (var year in new[] { 2018, 2019 })
        {
            var id = await LoggingBenchmark.CreateAsync(http, $"{root}/waves", new { name = $"{year}", startsOn = $"{year}-01-01", endsOn = $"{year}-12-31" });
            waves.Add((id, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31)));
        }

        var sites = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            sites.Add(await LoggingBenchmark.CreateAsync(http, $"{root}/sites", new
            {
                code = $"S{i:00}",
                kind = i % 4 == 3 ? "mentalHealth" : "acute",
                programmeRole = i % 2 == 0 ? "exemplar" : "follower",
                cohort = $"cohort-{(i % 3) + 1}",
                region = "North",
                eprSystem = "Cerner",
                caseDepth = "inDepth",
                enrolledOn = "2017-01-01",
            }));
        }

        var codes = new List<Guid>();
        foreach (var dimension in new[] { "technology", "people", "organisation", "macro-environment", "usability", "governance", "training", "benefits" })
        {
            var parent = await LoggingBenchmark.CreateAsync(http, $"{root}/codebook/codes", new { name = dimension, definition = $"All about {dimension}", dimension });
            codes.Add(parent);
            for (var c = 0; c < 5; c++)
            {
                codes.Add(await LoggingBenchmark.CreateAsync(http, $"{root}/codebook/codes",
                    new { name = $"{dimension} {c}", parentId = parent, definition = $"Aspect {c} of {dimension}", dimension }));
            }
        }

        return new Setup(evaluation, sites, waves, codes);
    }

    /// <summary>
    /// Appends the texts and codings straight to the event store (the same events and inline
    /// projections the API writes), 100 items a transaction. Each text gets half its codings from
    /// each coder: the same segments with jittered ends, now and then another code or a miss.
    /// </summary>
    private static async Task SeedAsync(IDocumentStore store, Setup setup, int texts, int perText, Random random)
    {
        for (var first = 0; first < texts; first += 100)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = Lead;
            for (var t = first; t < Math.Min(texts, first + 100); t++)
            {
                var id = Guid.NewGuid();
                var wave = setup.Waves[t % 2];
                var on = wave.Starts.AddDays(random.Next(wave.Ends.DayNumber - wave.Starts.DayNumber + 1));
                var text = EvidenceText.Normalise(Text(random));
                var events = new List<object>
                {
                    new ObservationLogged(setup.EvaluationId, id, on, wave.Id, [setup.Sites[t % setup.Sites.Count]], null, ObservationSetting.Meeting, 60),
                    new TextVersionAdded(setup.EvaluationId, id, 1, text.Length, text.Sha256, text.Text, null),
                };
                for (var s = 0; s < perText / 2; s++)
                {
                    var start = random.Next(text.Length - 200);
                    var end = start + 20 + random.Next(150);
                    var code = setup.Codes[random.Next(setup.Codes.Count)];
                    events.Add(new CodingApplied(setup.EvaluationId, id, Guid.NewGuid(), code, 1, start, end, CoderA, null));
                    var other = random.Next(10) == 0 ? setup.Codes[random.Next(setup.Codes.Count)] : code;
                    var (from, to) = random.Next(12) == 0 ? (random.Next(text.Length - 200), 0) : (start, end);
                    from = Math.Clamp(from + random.Next(-8, 9), 0, text.Length - 1);
                    to = to == 0 ? from + 30 : Math.Clamp(to + random.Next(-8, 9), from + 1, text.Length);
                    events.Add(new CodingApplied(setup.EvaluationId, id, Guid.NewGuid(), other, 1, from, to, CoderB, null));
                }

                session.Events.StartStream<EvidenceTimeline>(id, [.. events]);
            }

            await session.SaveChangesAsync();
        }
    }

    private static string Text(Random random)
    {
        var builder = new StringBuilder(TextLength + 20);
        while (builder.Length < TextLength)
        {
            builder.Append(Words[random.Next(Words.Length)]).Append(random.Next(15) == 0 ? ".\n" : " ");
        }

        return builder.ToString(0, TextLength);
    }

    /// <summary>The figures must add up before any timing counts.</summary>
    private static async Task CheckAsync(HttpClient http, string root, int texts, int codings, int codes)
    {
        var matrix = JsonNode.Parse(await http.GetStringAsync(new Uri($"{root}/matrix?rows=sites&columns=codes", UriKind.Relative)))!;
        var counted = matrix["cells"]!.AsArray().Sum(c => c!["codings"]!.GetValue<int>());
        var agreement = JsonNode.Parse(await http.GetStringAsync(new Uri($"{root}/agreement?coderIds={CoderA},{CoderB}", UriKind.Relative)))!;
        var units = agreement["unitCount"]!.GetValue<long>();
        var compared = agreement["evidenceIds"]!.AsArray().Count;
        if (counted != codings || compared != texts || units != (long)texts * TextLength * agreement["perCode"]!.AsArray().Count
            || agreement["perCode"]!.AsArray().Count > codes)
        {
            throw new InvalidOperationException($"figures do not add up: {counted} codings in the matrix, {compared} texts and {units} units compared");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Checked: the matrix counts {counted:N0} codings; agreement compares {compared:N0} texts, {units:N0} (code, character) units: " +
            $"alpha {agreement["krippendorffAlpha"]!.GetValue<double>():0.000}, kappa {agreement["cohensKappa"]!.GetValue<double>():0.000}, " +
            $"agreement {agreement["percentAgreement"]!.GetValue<double>():0.000}"));
        Console.WriteLine();
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body, LoggingBenchmark.Json), Encoding.UTF8, "application/json");
}
