using System.IO.Compression;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Exchange;

/// <summary>
/// Exports in REFI-QDA 1.0: a project (.qdpx) and a codebook (.qdc) that other QDA tools open,
/// valid against the standard's schemas, with every coding's quote where the tool will look.
/// </summary>
public sealed class when_exporting_refi_qda(AppFixture app) : ApiTest(app)
{
    private static readonly XNamespace P = "urn:QDA-XML:project:1.0";

    private sealed record Study(string Lead, string Analyst, Guid Evaluation, Guid Site, Guid Wave, Guid Interview, Guid Observation,
        Guid Erased, Guid Leadership, Guid Workarounds, Guid Retired, DateTimeOffset BeforeCodings)
    {
        public string Url => $"/api/evaluations/{Evaluation}";
    }

    // An emoji (two UTF-16 units, one code point), a combining accent (NFC makes it one code point) and CRLF (stored as LF).
    private const string Transcript = "Caf\u0065\u0301 talk:\r\n\U0001F600 users bypass the order sets.\r\nThe CCIO led the change.";

    private async Task<Study> SetUp()
    {
        var lead = NewUser("lead");
        var analyst = NewUser("analyst");
        var evaluation = await CreateEvaluation(lead, "GDE evaluation: wave 2");
        await AddMember(evaluation, lead, analyst, "analyst");
        var url = $"/api/evaluations/{evaluation}";
        async Task<Guid> Create(string path, object body, string? user = null) =>
            (await Post($"{url}/{path}", user ?? lead, body)).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        var site = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var wave = await Create("waves", new { name = "Wave 2", startsOn = "2018-01-01", endsOn = "2018-12-31" });
        var consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" };
        var participant = await Create("participants", new { pseudonym = "P-001", role = "CCIO", siteId = site, consent });
        var leaving = await Create("participants", new { pseudonym = "P-002", role = "CNIO", siteId = site, consent });
        var interview = await Create("interviews", new
        {
            occurredOn = "2018-03-05",
            waveId = wave,
            siteIds = new[] { site },
            participantIds = new[] { participant },
            format = "oneToOne",
            mode = "inPerson",
            durationMinutes = 45,
            transcript = Transcript,
        });
        var observation = await Create("observations", new
        {
            occurredOn = "2018-03-06",
            siteIds = new[] { site },
            setting = "meeting",
            durationMinutes = 60,
            fieldNotes = "Board met; <EPR> & \"go-live\" discussed.",
        });
        var erased = await Create("interviews", new
        {
            occurredOn = "2018-03-07",
            siteIds = new[] { site },
            participantIds = new[] { leaving },
            format = "oneToOne",
            mode = "phone",
            durationMinutes = 30,
            transcript = "Words that will be erased.",
        });
        var leadership = await Create("codebook/codes", new { name = "Leadership", definition = "Who leads the change." });
        var workarounds = await Create("codebook/codes", new { name = "Workarounds", definition = "Ways round the system.", parentId = leadership });
        var retired = await Create("codebook/codes", new { name = "Old code", definition = "No longer used." });
        (await Post($"{url}/codebook/codes/{retired}/retirement", lead, new { reason = "Folded into others." })).ShouldBe(HttpStatusCode.OK);
        var before = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await Create($"evidence/{interview}/codings", new { codeId = workarounds, textVersion = 1, start = 11, end = 25, note = "Clear case." });
        await Create($"evidence/{interview}/codings", new { codeId = leadership, textVersion = 1, start = 42, end = 66 }, analyst);
        await Create($"evidence/{observation}/codings", new { codeId = leadership, textVersion = 1, start = 0, end = 9 });
        await Create($"evidence/{erased}/codings", new { codeId = leadership, textVersion = 1, start = 0, end = 5 });
        await Create("memos", new { aboutKind = "code", aboutId = leadership, text = "Leadership changed twice." });
        await Create("memos", new { aboutKind = "evidence", aboutId = interview, text = "Ask again in wave 3." }, analyst);
        (await Post($"{url}/participants/{leaving}/withdrawal", lead, new { effectiveOn = "2018-06-01", eraseTranscripts = true }))
            .ShouldBe(HttpStatusCode.OK);
        return new Study(lead, analyst, evaluation, site, wave, interview, observation, erased, leadership, workarounds, retired, before);
    }

    private static XmlSchemaSet Schema(string file, string ns)
    {
        var set = new XmlSchemaSet();
        set.Add(ns, Path.Combine(AppContext.BaseDirectory, "Data", "refi-qda", file));
        set.Compile();
        return set;
    }

    private static void Validate(XDocument document, string file, string ns)
    {
        var errors = new List<string>();
        document.Validate(Schema(file, ns), (_, e) => errors.Add($"{e.Severity}: {e.Message}"));
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    private sealed record Archive(XDocument Project, IReadOnlyDictionary<string, string> Files);

    private async Task<Archive> ExportAsync(Study s, string query = "", string? user = null)
    {
        var reply = await Send(HttpMethod.Get, $"{s.Url}/export/qdpx{query}", user ?? s.Analyst, null);
        reply.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("application/zip", reply.ContentType);
        Assert.EndsWith(".qdpx", reply.Response.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        var bytes = await reply.Response.Content.ReadAsByteArrayAsync();
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open(), new UTF8Encoding(false));
            files[entry.FullName] = await reader.ReadToEndAsync();
        }

        return new Archive(XDocument.Parse(files["project.qde"]), files);
    }

    private static string Quote(string text, int start, int end) =>
        string.Concat(text.EnumerateRunes().Skip(start).Take(end - start).Select(r => r.ToString()));

    [Fact]
    public async Task the_project_is_valid_refi_qda_and_every_selection_quotes_what_was_coded()
    {
        var s = await SetUp();

        var archive = await ExportAsync(s);

        Validate(archive.Project, "Project.xsd", "urn:QDA-XML:project:1.0");
        var root = archive.Project.Root!;
        Assert.Equal("Fieldwork", root.Attribute("origin")!.Value);
        // The users: both coders, named by their ids.
        var users = root.Element(P + "Users")!.Elements(P + "User").Select(u => u.Attribute("name")!.Value).ToList();
        Assert.Contains(s.Lead, users);
        Assert.Contains(s.Analyst, users);

        // The codebook: the hierarchy, definitions as descriptions, the retired code kept but not codable.
        var codes = root.Descendants(P + "Code").ToDictionary(c => Guid.Parse(c.Attribute("guid")!.Value));
        Assert.Equal(s.Leadership, Guid.Parse(codes[s.Workarounds].Parent!.Attribute("guid")!.Value));
        Assert.Equal("Ways round the system.", codes[s.Workarounds].Element(P + "Description")!.Value);
        Assert.Equal("false", codes[s.Retired].Attribute("isCodable")!.Value);
        Assert.Equal("true", codes[s.Leadership].Attribute("isCodable")!.Value);

        // Each text as a source file; every selection's offsets read its coding's quote from that file.
        var sources = root.Element(P + "Sources")!.Elements(P + "TextSource").ToDictionary(x => Guid.Parse(x.Attribute("guid")!.Value));
        Assert.Equal(new[] { s.Interview, s.Observation }.Order(), sources.Keys.Order());
        foreach (var (id, source) in sources)
        {
            var path = source.Attribute("plainTextPath")!.Value;
            Assert.StartsWith("internal://", path, StringComparison.Ordinal);
            var text = archive.Files[$"Sources/{path["internal://".Length..]}"];
            Assert.DoesNotContain('\r', text);
            var expected = (await Get($"{s.Url}/evidence/{id}", s.Lead)).Json["codings"]!.AsArray()
                .ToDictionary(c => c!["id"]!.GetValue<Guid>(), c => c!["quote"]!.GetValue<string>());
            var selections = source.Elements(P + "PlainTextSelection").ToList();
            Assert.Equal(expected.Keys.Order(), selections.Select(x => Guid.Parse(x.Attribute("guid")!.Value)).Order());
            foreach (var selection in selections)
            {
                var quote = Quote(text, int.Parse(selection.Attribute("startPosition")!.Value, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(selection.Attribute("endPosition")!.Value, System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(expected[Guid.Parse(selection.Attribute("guid")!.Value)], quote);
                Assert.NotNull(selection.Element(P + "Coding")!.Attribute("creatingUser"));
                Assert.NotNull(selection.Element(P + "Coding")!.Attribute("creationDateTime"));
            }
        }

        Assert.Equal("\U0001F600 users bypass", Quote(archive.Files[$"Sources/{s.Interview}.txt"], 11, 25));

        // Memos as notes, referred to by what they are about; the erased transcript left out, and said so.
        var notes = root.Element(P + "Notes")!.Elements(P + "Note").ToList();
        Assert.Contains(notes, n => n.Element(P + "PlainTextContent")?.Value == "Leadership changed twice.");
        Assert.Contains(codes[s.Leadership].Elements(P + "NoteRef"), r => notes.Any(n => n.Attribute("guid")!.Value == r.Attribute("targetGUID")!.Value));
        Assert.Single(sources[s.Interview].Elements(P + "NoteRef"));
        Assert.Contains(notes, n => n.Element(P + "PlainTextContent")!.Value.Contains("erased", StringComparison.Ordinal));
        Assert.DoesNotContain(archive.Files.Values, f => f.Contains("Words that will be erased", StringComparison.Ordinal));

        // The site as a case with its attributes, the wave as a set of its sources.
        var @case = Assert.Single(root.Element(P + "Cases")!.Elements(P + "Case"));
        Assert.Equal("GDE1", @case.Attribute("name")!.Value);
        Assert.Contains(@case.Elements(P + "VariableValue"), v => v.Element(P + "TextValue")?.Value == "Exemplar");
        var set = Assert.Single(root.Element(P + "Sets")!.Elements(P + "Set"));
        Assert.Equal(s.Interview, Guid.Parse(Assert.Single(set.Elements(P + "MemberSource")).Attribute("targetGUID")!.Value));
    }

    [Fact]
    public async Task an_export_as_known_before_the_codings_has_none_and_the_codebook_exports_alone()
    {
        var s = await SetUp();

        var before = await ExportAsync(s, $"?knownAt={Uri.EscapeDataString(s.BeforeCodings.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}");

        Validate(before.Project, "Project.xsd", "urn:QDA-XML:project:1.0");
        Assert.Empty(before.Project.Descendants(P + "PlainTextSelection"));
        // Erasure is not undone by looking back: its key is gone, so no export has the words.
        Assert.DoesNotContain(before.Files.Values, f => f.Contains("Words that will be erased", StringComparison.Ordinal));

        var qdc = (await Get($"{s.Url}/export/codebook.qdc", s.Lead)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("application/xml", qdc.ContentType);
        var codebook = XDocument.Parse(qdc.Body);
        Validate(codebook, "Codebook.xsd", "urn:QDA-XML:codebook:1.0");
        Assert.Equal(3, codebook.Descendants(XName.Get("Code", "urn:QDA-XML:codebook:1.0")).Count());

        var early = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        (await Get($"{s.Url}/export/codebook.qdc?knownAt={Uri.EscapeDataString(early)}", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{s.Url}/export/qdpx?asOf=yesterday", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "asOf");
        (await Get($"{s.Url}/export/qdpx", NewUser("stranger"))).ShouldBeProblem(HttpStatusCode.NotFound);
    }
}
