using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Fieldwork.Api.Auth;
using Fieldwork.Demo;
using Marten;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Benchmarks;

/// <summary>
/// The reads a user (and the web UI, on every move of the date) makes of a demo-shaped
/// evaluation, through the real API: the state, a site, the state as known at an earlier
/// instant, a page of codings, agreement and the matrix. The baseline, measured in the same run,
/// is the cheapest authenticated read of the same evaluation (its codebook), so each ratio says
/// what a read costs beyond the HTTP, auth and access-check floor.
/// </summary>
public static class ReadsBenchmark
{
    public static async Task<int> RunAsync(IDocumentStore store, string connection, int samples, int seed)
    {
        var keys = new Fieldwork.Secrets.KeyRing(Fieldwork.Secrets.KeyEncryptionKey.Parse(
            Fieldwork.Api.Hosting.LocalState.Secret(Path.Combine(Fieldwork.Api.Hosting.LocalState.Directory, "benchmark-key-encryption-key"),
                Fieldwork.Secrets.KeyEncryptionKey.NewText), "the benchmark's key-encryption key"));
        var seeded = await DemoEvaluation.SeedBulkAsync(store, keys, seed, $"Reads benchmark (seed {seed})");
        Console.Error.WriteLine($"demo-shaped evaluation {seeded.EvaluationId}: {(seeded.AlreadyThere ? "already there" : $"{seeded.Events:N0} events")}");

        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LoggingBenchmark.SigningKey));
        var token = Tokens.Mint(new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key), DemoEvaluation.Lead, TimeProvider.System);
        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        using var http = LoggingBenchmark.Client(api.Address, token);

        var root = $"api/evaluations/{seeded.EvaluationId}";
        var site = (await GetAsync(http, $"{root}/sites"))["items"]![0]!["id"]!.GetValue<Guid>();
        var audit = await GetAsync(http, $"{root}/audit?limit=1&to=2019-06-30T00:00:00Z");
        var knownAt = audit["items"]!.AsArray().Count > 0 ? audit["items"]![0]!["recordedAt"]!.GetValue<string>() : "2019-06-30T00:00:00Z";
        const string coders = "demo-analyst,demo-analyst-2";
        var reads = new (string Name, string Path)[]
        {
            ("GET /state", $"{root}/state"),
            ("GET /state?asOf=2019-06-30", $"{root}/state?asOf=2019-06-30"),
            ("GET /state?knownAt= (mid-2019)", $"{root}/state?knownAt={Uri.EscapeDataString(knownAt)}"),
            ("GET /sites/{id}", $"{root}/sites/{site}"),
            ("GET /codings?limit=50", $"{root}/codings?limit=50"),
            ($"GET /agreement?coderIds= (two coders)", $"{root}/agreement?coderIds={coders}"),
            ("GET /matrix?rows=sites&columns=codes", $"{root}/matrix?rows=sites&columns=codes"),
        };

        var baseline = await Measure.RunAsync("GET /codebook", samples, _ => GetAsync(http, $"{root}/codebook"), warmup: 5);
        var timings = new List<Timing>();
        foreach (var (name, path) in reads)
        {
            timings.Add(await Measure.RunAsync(name, samples, _ => GetAsync(http, path), warmup: 5));
        }

        Console.WriteLine($"### Reads of a demo-shaped evaluation ({seeded.Events:N0} events when seeded), {samples} samples each after 5 warm-up");
        Console.WriteLine();
        Console.WriteLine("| read | median ms | p95 ms | median / baseline median |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(Row(baseline with { Name = baseline.Name + " (baseline)" }, baseline));
        foreach (var timing in timings)
        {
            Console.WriteLine(Row(timing, baseline));
        }

        Console.WriteLine();
        return 0;
    }

    private static string Row(Timing timing, Timing baseline) => string.Create(CultureInfo.InvariantCulture,
        $"| {timing.Name} | {timing.Median:0.0} | {timing.P95:0.0} | {timing.Median / baseline.Median:0.0} |");

    internal static async Task<JsonNode> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK
            ? JsonNode.Parse(body)!
            : throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
    }
}
