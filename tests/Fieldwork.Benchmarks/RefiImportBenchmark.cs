using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Fieldwork.Api.Auth;
using Fieldwork.Exchange;
using Marten;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Importing a big REFI-QDA project (generated: sources of synthetic text, codings spread over
/// them, a codebook, cases) through the real API, in codings per second, against Marten's own
/// bulk event import (<c>BulkInsertEventStreamAsync</c>) of the same events in the same run.
/// </summary>
public static class RefiImportBenchmark
{
    private static readonly XNamespace P = RefiQdaExport.Project;

    public static async Task<int> RunAsync(IDocumentStore store, string connection, int sources, int codings, int rounds)
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(LoggingBenchmark.SigningKey));
        var token = Tokens.Mint(new AuthSettings(AuthSettings.DefaultIssuer, AuthSettings.DefaultAudience, key), LoggingBenchmark.User, TimeProvider.System);
        await using var api = await ApiProcess.StartAsync(connection, LoggingBenchmark.SigningKey, TimeSpan.FromMinutes(3));
        Console.Error.WriteLine($"API started from {api.Dll} on {api.Address}");
        using var http = LoggingBenchmark.Client(api.Address, token);
        http.Timeout = TimeSpan.FromMinutes(20);

        var results = new List<(double Served, double Bulk, int Events, long Bytes)>();
        for (var round = 0; round <= rounds; round++)
        {
            var file = Generate(new Random(20261201 + round), sources, codings);

            // The API: one POST of the file into a fresh evaluation.
            var evaluation = await LoggingBenchmark.CreateAsync(http, "api/evaluations", new
            {
                name = $"REFI-QDA import benchmark {round}",
                startsOn = "2016-09-01",
                endsOn = "2021-09-30",
            });
            var watch = Stopwatch.StartNew();
            using var content = new ByteArrayContent(file);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            using var response = await http.PostAsync(new Uri($"api/evaluations/{evaluation}/imports/qdpx", UriKind.Relative), content);
            var body = await response.Content.ReadAsStringAsync();
            watch.Stop();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"The import answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
            }

            var imported = JsonNode.Parse(body)!["codings"]!.GetValue<int>();

            // The baseline: the same plan's events, bulk-imported by Marten into another fresh evaluation.
            var planning = Stopwatch.StartNew();
            var (events, headers) = await PlanAsync(store, file);
            planning.Stop();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: reading and planning the file alone (in the harness): {planning.Elapsed.TotalSeconds:0.0} s"));
            var bulk = Stopwatch.StartNew();
            await store.BulkInsertEventStreamAsync("*DEFAULT*", headers, events.ToAsyncEnumerable(), 5_000, CancellationToken.None);
            bulk.Stop();

            if (round > 0)
            {
                results.Add((imported / watch.Elapsed.TotalSeconds, imported / bulk.Elapsed.TotalSeconds, events.Count, file.Length));
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: {imported} codings imported in {watch.Elapsed.TotalSeconds:0.0} s; bulk {events.Count} events in {bulk.Elapsed.TotalSeconds:0.0} s"));
        }

        Console.WriteLine($"### REFI-QDA import: {codings:N0} codings over {sources:N0} sources, {rounds} rounds after 1 warm-up");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"File: {results[0].Bytes / (1024.0 * 1024):0.0} MB zipped; {results[0].Events:N0} events (sources, texts, codings, codes, cases)."));
        Console.WriteLine();
        Console.WriteLine("| round | POST /imports/qdpx codings/s | Marten bulk import of the same events, codings/s | import / bulk |");
        Console.WriteLine("|---|---|---|---|");
        for (var i = 0; i < results.Count; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {i + 1} | {results[i].Served:N0} | {results[i].Bulk:N0} | {results[i].Served / results[i].Bulk:0.00} |"));
        }

        var ratios = results.Select(r => r.Served / r.Bulk).Order().ToArray();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Import / Marten bulk import, median of {rounds}: {ratios[ratios.Length / 2]:0.00} (aim: at least 0.50) - {(ratios[ratios.Length / 2] >= 0.5 ? "met" : "NOT met")}"));
        Console.WriteLine();
        return 0;
    }

    /// <summary>The events the import plans for the file (into an evaluation of their own), as Marten's bulk import takes them.</summary>
    private static async Task<(List<JasperFx.Events.IEvent> Events, List<Marten.Events.BulkEventStreamHeader> Headers)> PlanAsync(IDocumentStore store, byte[] file)
    {
        var evaluationId = Guid.NewGuid();
        var evaluation = Evaluations.Evaluation.Create(new Evaluations.EvaluationCreated(evaluationId, "bulk baseline", new(2016, 9, 1), new(2021, 9, 30), null, "bench"));
        var reading = Stopwatch.StartNew();
        var (archive, refusal) = RefiQdaArchive.ReadProject(file);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reading the file (unzip, parse): {reading.Elapsed.TotalSeconds:0.00} s"));
        if (refusal is not null)
        {
            throw new InvalidOperationException(refusal.Detail);
        }

        var plan = RefiQdaImport.Project(new ImportContext(evaluation, Guid.NewGuid(), "bench", new Dictionary<string, Guid>(),
            new Dictionary<Guid, Coding.CodeState>(), null, null, null), archive!);
        var events = new List<JasperFx.Events.IEvent>();
        var headers = new List<Marten.Events.BulkEventStreamHeader>();
        foreach (var stream in plan.Streams)
        {
            var version = 0;
            foreach (var imported in stream.Events)
            {
                var e = (JasperFx.Events.IEvent)Activator.CreateInstance(typeof(JasperFx.Events.Event<>).MakeGenericType(imported.Data.GetType()), imported.Data)!;
                e.Id = Guid.NewGuid();
                e.StreamId = stream.Id;
                e.Version = ++version;
                e.UserName = "bench";
                events.Add(e);
            }

            headers.Add(new Marten.Events.BulkEventStreamHeader { Id = stream.Id, Version = version, AggregateType = stream.Aggregate });
        }

        await Task.CompletedTask;
        _ = store;
        return (events, headers);
    }

    /// <summary>A QualCoder-style project: code points, texts in Sources/, a case per hundred sources.</summary>
    private static byte[] Generate(Random random, int sources, int codings)
    {
        var codes = Enumerable.Range(0, 50).Select(i => (Guid: Guid.NewGuid(), Name: $"Code {i:00}")).ToList();
        var user = Guid.NewGuid();
        var texts = new List<(Guid Guid, string Text)>();
        var sourceElements = new List<XElement>();
        for (var s = 0; s < sources; s++)
        {
            var text = Demo.SyntheticText.Transcript(random, 3000);
            var guid = Guid.NewGuid();
            texts.Add((guid, text));
            var length = text.EnumerateRunes().Count();
            var perSource = codings / sources + (s < codings % sources ? 1 : 0);
            sourceElements.Add(new XElement(P + "TextSource",
                new XAttribute("guid", guid),
                new XAttribute("name", $"Interview {s:0000}"),
                new XAttribute("plainTextPath", $"internal://{guid}.txt"),
                new XAttribute("creationDateTime", "2018-05-01T10:00:00Z"),
                Enumerable.Range(0, perSource).Select(_ =>
                {
                    var start = random.Next(0, length - 60);
                    var end = start + random.Next(10, 60);
                    return new XElement(P + "PlainTextSelection",
                        new XAttribute("guid", Guid.NewGuid()), new XAttribute("name", ""),
                        new XAttribute("startPosition", start), new XAttribute("endPosition", end),
                        new XAttribute("creatingUser", user), new XAttribute("creationDateTime", "2018-05-02T11:30:00Z"),
                        new XElement(P + "Coding", new XAttribute("guid", Guid.NewGuid()), new XAttribute("creatingUser", user),
                            new XElement(P + "CodeRef", new XAttribute("targetGUID", codes[random.Next(codes.Count)].Guid))));
                })));
        }

        var cases = sourceElements.Chunk(100).Select((chunk, i) => new XElement(P + "Case",
            new XAttribute("guid", Guid.NewGuid()), new XAttribute("name", $"BENCH{i:00}"),
            chunk.Select(source => new XElement(P + "SourceRef", new XAttribute("targetGUID", source.Attribute("guid")!.Value)))));
        var project = new XDocument(new XElement(P + "Project", new XAttribute("name", "Benchmark"), new XAttribute("origin", "QualCoder 3.4"),
            new XElement(P + "Users", new XElement(P + "User", new XAttribute("guid", user), new XAttribute("name", "coder"))),
            new XElement(P + "CodeBook", new XElement(P + "Codes", codes.Select(c =>
                new XElement(P + "Code", new XAttribute("guid", c.Guid), new XAttribute("name", c.Name), new XAttribute("isCodable", "true"))))),
            new XElement(P + "Cases", cases),
            new XElement(P + "Sources", sourceElements)));

        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var entry = zip.CreateEntry("project.qde", CompressionLevel.Fastest).Open())
            {
                project.Save(entry);
            }

            foreach (var (guid, text) in texts)
            {
                using var entry = zip.CreateEntry($"Sources/{guid}.txt", CompressionLevel.Fastest).Open();
                entry.Write(Encoding.UTF8.GetBytes(text));
            }
        }

        return buffer.ToArray();
    }
}
