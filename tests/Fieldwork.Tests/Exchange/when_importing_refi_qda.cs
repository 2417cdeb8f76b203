using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Exchange;

/// <summary>
/// Imports of REFI-QDA projects as the tools write them (fixtures built here, one per tool's
/// conventions), round trips of our own exports, and archives built to hurt.
/// </summary>
public sealed class when_importing_refi_qda(AppFixture app) : ApiTest(app)
{
    // A BOM, a combining accent (e + U+0301), an emoji outside the BMP and CRLF line ends.
    private const string Written = "\uFEFFCaf\u0065\u0301 talk\r\n\U0001F600 users bypass the order sets.\r\nThe CCIO led.";

    private async Task<(string Lead, Guid Evaluation, string Url)> FreshAsync()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        return (lead, evaluation, $"/api/evaluations/{evaluation}");
    }

    private async Task<Reply> ImportAsync(string url, string user, byte[] body, string route = "qdpx", string mediaType = "application/zip", string query = "")
    {
        using var client = App.Client();
        var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/imports/{route}{query}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", App.TokenFor(user));
        var response = await client.SendAsync(request);
        return new Reply(response.StatusCode, response, await response.Content.ReadAsStringAsync());
    }

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A small zip whose one text entry inflates to <paramref name="size"/> bytes of zeros.</summary>
    private static byte[] Bomb(int size)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var qde = zip.CreateEntry("project.qde").Open())
            {
                qde.Write(Utf8(Qde("NVivo 14", 0, 4, "", "plainTextPath=\"internal://big.txt\"")));
            }

            using var stream = zip.CreateEntry("Sources/big.txt", CompressionLevel.SmallestSize).Open();
            var chunk = new byte[1024 * 1024];
            for (var written = 0; written < size; written += chunk.Length)
            {
                stream.Write(chunk);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A small project in one tool's manner: its origin, how it counts offsets, and where it puts the text.</summary>
    private static string Qde(string origin, int start, int end, string selectionName, string textRef, string user = "Ana Analyst", bool upper = false)
    {
        string G(string g) => upper ? g.ToUpperInvariant() : g;
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <Project xmlns="urn:QDA-XML:project:1.0" name="Ward study" origin="{origin}" creationDateTime="2018-05-01T10:00:00Z">
              <Users><User guid="{G("a1a1a1a1-0000-4000-8000-000000000001")}" name="{user}"/></Users>
              <CodeBook><Codes>
                <Code guid="{G("c0c0c0c0-0000-4000-8000-000000000001")}" name="Workarounds" isCodable="true"><Description>Ways round the system.</Description>
                  <Code guid="{G("c0c0c0c0-0000-4000-8000-000000000002")}" name="Paper" isCodable="true"/>
                </Code>
              </Codes></CodeBook>
              <Cases><Case guid="{G("ca5e0000-0000-4000-8000-000000000001")}" name="RXA"><SourceRef targetGUID="{G("5c5c5c5c-0000-4000-8000-000000000001")}"/></Case></Cases>
              <Sources>
                <TextSource guid="{G("5c5c5c5c-0000-4000-8000-000000000001")}" name="Interview RXA 1" {textRef} creationDateTime="2018-04-20T09:00:00Z">
                  <PlainTextSelection guid="{G("5e1e0000-0000-4000-8000-000000000001")}" name="{selectionName}" startPosition="{start}" endPosition="{end}" creatingUser="{G("a1a1a1a1-0000-4000-8000-000000000001")}" creationDateTime="2018-05-02T11:30:00Z">
                    <Coding guid="{G("c0d10000-0000-4000-8000-000000000001")}" creatingUser="{G("a1a1a1a1-0000-4000-8000-000000000001")}" creationDateTime="2018-05-02T11:30:00Z"><CodeRef targetGUID="{G("c0c0c0c0-0000-4000-8000-000000000001")}"/></Coding>
                  </PlainTextSelection>
                  <NoteRef targetGUID="{G("b0b0b0b0-0000-4000-8000-000000000001")}"/>
                </TextSource>
                <PDFSource guid="{G("5c5c5c5c-0000-4000-8000-000000000002")}" name="Board paper.pdf" path="internal://board.pdf"/>
              </Sources>
              <Notes><Note guid="{G("b0b0b0b0-0000-4000-8000-000000000001")}" name="Memo" creatingUser="{G("a1a1a1a1-0000-4000-8000-000000000001")}"><PlainTextContent>Ask about paper charts again.</PlainTextContent></Note></Notes>
              <Sets/>
            </Project>
            """;
    }

    private async Task<JsonNode> CodingOfAsync(string url, string user, Guid evidence) =>
        (await Get($"{url}/evidence/{evidence}", user)).ShouldBe(HttpStatusCode.OK).Json["codings"]!.AsArray().Single()!;

    private async Task<Guid> OnlyDocumentAsync(string url, string user) =>
        (await Get($"{url}/evidence", user)).Json["items"]!.AsArray().Single()!["id"]!.GetValue<Guid>();

    [Theory]
    // NVivo for Windows: UTF-16 units of the text as written (BOM left out, CRLF two, the emoji two), Sources/, BOM, name="".
    [InlineData("NVivo 14 (Windows)", "Sources/text1.txt", true, 12, 27, "")]
    // NVivo for Mac: sources/ in lower case (and an empty .root entry), LF only, UTF-16 units.
    [InlineData("NVivo 12 Mac", "sources/text1.txt", false, 11, 26, "")]
    // ATLAS.ti: code points of the text as written (CRLF two), the quote in the selection's name, upper-case GUIDs.
    [InlineData("ATLAS.ti 23", "Sources/text1.txt", true, 12, 26, "\U0001F600 users bypass")]
    // MAXQDA: code points with CRLF counted as one.
    [InlineData("MAXQDA 2022", "Sources/text1.txt", true, 11, 25, "")]
    public async Task each_tool_s_offsets_land_on_the_same_words(string origin, string entry, bool crlf, int start, int end, string name)
    {
        var (lead, _, url) = await FreshAsync();
        var written = crlf ? Written : Written.Replace("\r\n", "\n", StringComparison.Ordinal);
        var qde = Qde(origin, start, end, name, "plainTextPath=\"internal://text1.txt\"", upper: origin.StartsWith("ATLAS", StringComparison.Ordinal));
        var entries = new List<(string, byte[])> { ("project.qde", Utf8(qde)), (entry, Utf8(written)) };
        if (origin.Contains("Mac", StringComparison.Ordinal))
        {
            entries.Add((".root", []));
        }

        var report = (await ImportAsync(url, lead, Zip([.. entries]))).ShouldBe(HttpStatusCode.Created).Json;

        Assert.Equal(1, report["sources"]!.GetValue<int>());
        Assert.Equal(2, report["codes"]!.GetValue<int>());
        Assert.Equal(1, report["codings"]!.GetValue<int>());
        Assert.Equal(1, report["memos"]!.GetValue<int>());
        Assert.Equal(1, report["cases"]!.GetValue<int>());
        Assert.Contains(report["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("PDFSource", StringComparison.Ordinal));
        var user = Assert.Single(report["users"]!.AsArray())!;
        Assert.Equal("Ana Analyst", user["name"]!.GetValue<string>());
        var document = await OnlyDocumentAsync(url, lead);
        var coding = await CodingOfAsync(url, lead, document);
        Assert.Equal("\U0001F600 users bypass", coding["quote"]!.GetValue<string>());
        Assert.Equal(user["coderId"]!.GetValue<string>(), coding["coderId"]!.GetValue<string>());
        var text = (await Get($"{url}/evidence/{document}", lead)).Json["texts"]![0]!["text"]!.GetValue<string>();
        Assert.Equal("Caf\u00e9 talk\n\U0001F600 users bypass the order sets.\nThe CCIO led.", text);
        Assert.Equal("2018-04-20", (await Get($"{url}/evidence/{document}", lead)).Json["capturedOn"]!.GetValue<string>());
        var codebook = (await Get($"{url}/codebook", lead)).Json["codes"]!.AsArray();
        Assert.Equal("Workarounds", Assert.Single(codebook)!["name"]!.GetValue<string>());
        Assert.Equal("Paper", Assert.Single(codebook[0]!["children"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_same_file_again_answers_the_same_report_and_writes_nothing()
    {
        var (lead, _, url) = await FreshAsync();
        var file = Zip(("project.qde", Utf8(Qde("QualCoder 3.4", 14, 28, "", "plainTextPath=\"internal://text1.txt\""))),
            ("Sources/text1.txt", Utf8(Written.Replace("\r\n", "\n", StringComparison.Ordinal))));
        var first = (await ImportAsync(url, lead, file)).ShouldBe(HttpStatusCode.Created);
        var before = await App.TableCountsAsync();

        var again = (await ImportAsync(url, lead, file)).ShouldBe(HttpStatusCode.Created);

        Assert.Equal(first.Body, again.Body);
        Assert.Equal(first.Response.Headers.Location, again.Response.Headers.Location);
        Assert.Equal(before, await App.TableCountsAsync());
        var read = (await Get(first.Response.Headers.Location!.OriginalString, lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(first.Json["id"]!.GetValue<Guid>(), read["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task the_same_file_sent_twice_at_once_is_imported_once()
    {
        var (lead, _, url) = await FreshAsync();
        var file = Zip(("project.qde", Utf8(Qde("QualCoder 3.4", 14, 28, "", "plainTextPath=\"internal://text1.txt\""))), ("Sources/text1.txt", Utf8(Written)));

        var replies = await Task.WhenAll(ImportAsync(url, lead, file), ImportAsync(url, lead, file));

        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.Created));
        Assert.Equal(replies[0].Body, replies[1].Body);
        var evidence = await OnlyDocumentAsync(url, lead);
        Assert.Equal("users bypass t", (await CodingOfAsync(url, lead, evidence))["quote"]!.GetValue<string>());
        Assert.Single((await Get($"{url}/sites", lead)).Json["items"]!.AsArray());
    }

    [Fact]
    public async Task an_import_stopped_after_its_events_were_stored_completes_when_the_file_is_sent_again()
    {
        var (lead, evaluation, url) = await FreshAsync();
        var file = Zip(("project.qde", Utf8(Qde("QualCoder 3.4", 14, 28, "", "plainTextPath=\"internal://text1.txt\""))), ("Sources/text1.txt", Utf8(Written)));
        var first = (await ImportAsync(url, lead, file)).ShouldBe(HttpStatusCode.Created);
        var importId = first.Json["id"]!.GetValue<Guid>();

        // As a request cut off after the bulk import left it: the events stored, nothing built from them, the import reserved but not done.
        var store = App.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.DeleteWhere<Fieldwork.Evidence.EvidenceTimeline>(x => x.EvaluationId == evaluation);
            session.DeleteWhere<Fieldwork.Sites.SiteTimeline>(x => x.EvaluationId == evaluation);
            session.DeleteWhere<Fieldwork.Coding.MemoTimeline>(x => x.EvaluationId == evaluation);
            session.Delete<Fieldwork.Coding.Codebook>(Fieldwork.Coding.Codebook.StreamId(evaluation));
            session.Delete<Fieldwork.Idempotency.CreationRecord>(importId);
            var record = (await session.LoadAsync<Fieldwork.Exchange.ImportRecord>(importId))!;
            record.Complete = false;
            session.Update(record);
            await session.SaveChangesAsync();
        }

        (await Get($"{url}/imports/{importId}", lead)).ShouldBe(HttpStatusCode.NotFound);
        Assert.Empty((await Get($"{url}/evidence", lead)).Json["items"]!.AsArray());

        // Only the request that began it may finish it: not the same file with other options, nor someone else.
        var analyst = NewUser("analyst");
        await AddMember(evaluation, lead, analyst, "analyst");
        var events = await App.EventCountAsync();
        (await ImportAsync(url, analyst, file)).ShouldBeProblem(HttpStatusCode.Conflict);
        (await ImportAsync(url, lead, file, query: "?capturedOn=2018-04-21")).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Empty((await Get($"{url}/evidence", lead)).Json["items"]!.AsArray());
        Assert.Equal(events, await App.EventCountAsync());

        var again = (await ImportAsync(url, lead, file)).ShouldBe(HttpStatusCode.Created);

        Assert.Equal(first.Body, again.Body);
        Assert.Equal(events, await App.EventCountAsync());
        var evidence = await OnlyDocumentAsync(url, lead);
        Assert.Equal("users bypass t", (await CodingOfAsync(url, lead, evidence))["quote"]!.GetValue<string>());
        (await Get($"{url}/imports/{importId}", lead)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["Workarounds"], (await Get($"{url}/codebook", lead)).Json["codes"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task qda_users_can_be_mapped_to_members_who_code()
    {
        var (lead, evaluation, url) = await FreshAsync();
        var analyst = NewUser("analyst");
        await AddMember(evaluation, lead, analyst, "analyst");
        var auditor = NewUser("auditor");
        await AddMember(evaluation, lead, auditor, "auditor");
        var file = Zip(("project.qde", Utf8(Qde("ATLAS.ti 23", 12, 26, "", "plainTextPath=\"internal://text1.txt\""))), ("Sources/text1.txt", Utf8(Written)));
        var before = await App.TableCountsAsync();

        (await ImportAsync(url, lead, file, query: $"?users={Uri.EscapeDataString($"Ana Analyst={auditor}")}")).ShouldBeProblem(HttpStatusCode.BadRequest, "users");
        (await ImportAsync(url, lead, file, query: "?users=nonsense")).ShouldBeProblem(HttpStatusCode.BadRequest, "users");
        Assert.Equal(before, await App.TableCountsAsync());

        var report = (await ImportAsync(url, lead, file, query: $"?users={Uri.EscapeDataString($"Ana Analyst={analyst}")}")).ShouldBe(HttpStatusCode.Created).Json;

        Assert.Equal(analyst, Assert.Single(report["users"]!.AsArray())!["coderId"]!.GetValue<string>());
        Assert.Equal(analyst, (await CodingOfAsync(url, lead, await OnlyDocumentAsync(url, lead)))["coderId"]!.GetValue<string>());
    }

    [Fact]
    public async Task hostile_archives_are_refused_and_write_nothing()
    {
        var (lead, _, url) = await FreshAsync();
        var qde = Qde("NVivo 14", 0, 4, "", "plainTextPath=\"internal://text1.txt\"");
        var dtd = "<?xml version=\"1.0\"?><!DOCTYPE Project [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"&x;\"/>";
        var bomb = Bomb(RefiQdaLimits.Inflated + 1024 * 1024);
        var before = await App.TableCountsAsync();

        var cases = new (byte[] Body, string Why)[]
        {
            (Utf8("this is not a zip"), "not a zip"),
            (Zip(("project.qde", Utf8(qde)), ("../evil.txt", Utf8("x"))), "an entry that climbs out"),
            (Zip(("project.qde", Utf8(dtd))), "a DTD with an external entity"),
            (Zip(("Sources/text1.txt", Utf8("text"))), "no project.qde"),
            (Zip(("project.qde", Utf8("<Project name=\"x\"/>"))), "a root outside the REFI-QDA namespace"),
            (bomb, "an archive that inflates past the limit"),
        };
        foreach (var (body, why) in cases)
        {
            var reply = await ImportAsync(url, lead, body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{why}: {(int)reply.Status} {reply.Body}");
            reply.ShouldBeProblem(HttpStatusCode.BadRequest);
        }

        (await ImportAsync(url, lead, Utf8(qde), mediaType: "application/json")).ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        (await ImportAsync(url, NewUser("stranger"), Zip(("project.qde", Utf8(qde))))).ShouldBeProblem(HttpStatusCode.NotFound);
        // A source dated outside the evaluation names the source.
        var early = Qde("NVivo 14", 0, 4, "", "plainTextPath=\"internal://text1.txt\"").Replace("2018-04-20T09:00:00Z", "2001-01-01T00:00:00Z", StringComparison.Ordinal);
        (await ImportAsync(url, lead, Zip(("project.qde", Utf8(early)), ("Sources/text1.txt", Utf8(Written))))).ShouldBeProblem(HttpStatusCode.BadRequest, "sources[0]");
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task an_export_imports_into_a_fresh_evaluation_with_the_same_codes_codings_quotes_coders_and_times()
    {
        var (lead, evaluation, url) = await FreshAsync();
        var site = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        async Task<Guid> Create(string path, object body) =>
            (await Post($"{url}/{path}", lead, body)).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var observation = await Create("observations", new
        {
            occurredOn = "2018-03-06",
            siteIds = new[] { site },
            setting = "meeting",
            durationMinutes = 60,
            fieldNotes = "Caf\u00e9 \U0001F600 board met; the CCIO chaired.",
        });
        var leadership = await Create("codebook/codes", new { name = "Leadership", definition = "Who leads the change." });
        await Create("codebook/codes", new { name = "Chairing", definition = "Chairs meetings.", parentId = leadership });
        await Create($"evidence/{observation}/codings", new { codeId = leadership, textVersion = 1, start = 5, end = 15 });
        var exported = await Send(HttpMethod.Get, $"{url}/export/qdpx", lead, null);
        var bytes = await exported.ShouldBe(HttpStatusCode.OK).Response.Content.ReadAsByteArrayAsync();
        var original = await CodingOfAsync(url, lead, observation);

        var (other, _, otherUrl) = await FreshAsync();
        var report = (await ImportAsync(otherUrl, other, bytes)).ShouldBe(HttpStatusCode.Created).Json;

        Assert.Equal(2, report["codes"]!.GetValue<int>());
        Assert.Equal(1, report["codings"]!.GetValue<int>());
        var imported = await CodingOfAsync(otherUrl, other, await OnlyDocumentAsync(otherUrl, other));
        Assert.Equal(original["quote"]!.GetValue<string>(), imported["quote"]!.GetValue<string>());
        Assert.Equal($"refi:{lead}", imported["coderId"]!.GetValue<string>());
        var site2 = (await Get($"{otherUrl}/sites", other)).Json["items"]!.AsArray().Single()!;
        Assert.Equal("GDE1", site2["code"]!.GetValue<string>());
        Assert.Equal("exemplar", site2["programmeRole"]!.GetValue<string>());
        // The coding keeps its time from the file: exported again, it says when it was made, not when it was imported.
        var again = await Send(HttpMethod.Get, $"{otherUrl}/export/qdpx", other, null);
        using var zip = new ZipArchive(new MemoryStream(await again.Response.Content.ReadAsByteArrayAsync()));
        using var reader = new StreamReader(zip.GetEntry("project.qde")!.Open());
        var qde = System.Xml.Linq.XDocument.Parse(await reader.ReadToEndAsync());
        var made = qde.Descendants(System.Xml.Linq.XName.Get("Coding", "urn:QDA-XML:project:1.0")).Single().Attribute("creationDateTime")!.Value;
        Assert.Equal(original["codedAt"]!.GetValue<DateTimeOffset>().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), made);
        Assert.Equal("2018-03-06", (await Get($"{otherUrl}/evidence/{await OnlyDocumentAsync(otherUrl, other)}", other)).Json["capturedOn"]!.GetValue<string>());
    }
}

internal static class RefiQdaLimits
{
    public const int Inflated = 256 * 1024 * 1024;
}
