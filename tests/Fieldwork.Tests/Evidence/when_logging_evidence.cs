using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Evidence;

public sealed class when_logging_evidence(AppFixture app) : ApiTest(app)
{
    private sealed record Study(string Lead, Guid Evaluation, Guid Exemplar, Guid Follower, Guid Pairing, Guid Wave, Guid Participant)
    {
        public string Url => $"/api/evaluations/{Evaluation}";
    }

    private async Task<Study> SetUp(bool record = true)
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var exemplar = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF1", "follower", "2017-09-01");
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2017-10-01");
        var wave = (await Post($"/api/evaluations/{evaluation}/waves", lead, new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var participant = (await Post($"/api/evaluations/{evaluation}/participants", lead, new
        {
            pseudonym = "P-001",
            role = "CCIO",
            siteId = exemplar,
            consent = new { givenOn = "2016-01-01", takePart = true, record, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        return new Study(lead, evaluation, exemplar, follower, pairing, wave, participant);
    }

    private static object Interview(Study s, string? transcript = null, string occurredOn = "2018-03-05", Guid? id = null) => new
    {
        id = id ?? Guid.NewGuid(),
        occurredOn,
        waveId = s.Wave,
        siteIds = new[] { s.Exemplar, s.Follower },
        pairingId = s.Pairing,
        participantIds = new[] { s.Participant },
        format = "oneToOne",
        mode = "inPerson",
        durationMinutes = 55,
        transcript,
    };

    [Fact]
    public async Task an_interview_is_logged_with_a_sealed_transcript_and_read_back()
    {
        var s = await SetUp();
        var sentence = $"We moved the whole ward onto the new system in one weekend {Guid.NewGuid():N}.";
        var created = (await Post($"{s.Url}/interviews", s.Lead, Interview(s, sentence))).ShouldBe(HttpStatusCode.Created);
        var id = created.Json["id"]!.GetValue<Guid>();
        Assert.Equal($"{s.Url}/evidence/{id}", created.Response.Headers.Location!.OriginalString);

        var read = (await Get($"{s.Url}/evidence/{id}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("interview", read["kind"]!.GetValue<string>());
        Assert.Equal("2018-03-05", read["occurredOn"]!.GetValue<string>());
        Assert.Equal(55, read["durationMinutes"]!.GetValue<int>());
        Assert.Equal(s.Lead, read["loggedBy"]!.GetValue<string>());
        var text = Assert.Single(read["texts"]!.AsArray())!;
        Assert.Equal(1, text["version"]!.GetValue<int>());
        Assert.Equal(sentence, text["text"]!.GetValue<string>());
        Assert.Equal(sentence.Length, text["length"]!.GetValue<int>());
        // A sealed transcript publishes no plain SHA-256 (anyone holding a guess could confirm it), only an HMAC under its own key.
        Assert.Null(text["sha256"]);
        var hmac = text["hmacSha256"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", hmac);
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sentence))), hmac);
        Assert.Empty(read["codings"]!.AsArray());

        Assert.DoesNotContain(sentence, await App.DatabaseTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task text_is_stored_as_nfc_with_lf_and_no_bom_and_measured_in_code_points()
    {
        var s = await SetUp();
        // BOM, CRLF, a decomposed é (e + combining acute) and an emoji outside the BMP.
        var raw = "\uFEFFCaf\u0065\u0301 notes\r\nsecond line \U0001F600\r";
        var created = (await Post($"{s.Url}/observations", s.Lead, new
        {
            occurredOn = "2018-04-01",
            siteIds = new[] { s.Exemplar },
            setting = "meeting",
            durationMinutes = 90,
            fieldNotes = raw,
        })).ShouldBe(HttpStatusCode.Created);
        var read = (await Get($"{s.Url}/evidence/{created.Json["id"]}", s.Lead)).Json;
        var text = read["texts"]![0]!;
        const string expected = "Caf\u00e9 notes\nsecond line \U0001F600\n";
        Assert.Equal(expected, text["text"]!.GetValue<string>());
        Assert.Equal(25, text["length"]!.GetValue<int>()); // 26 UTF-16 code units: the emoji is one code point, two units
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expected))), text["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task text_versions_need_the_latest_version_number()
    {
        var s = await SetUp();
        var id = (await Post($"{s.Url}/documents", s.Lead, new
        {
            capturedOn = "2018-02-01",
            issuedOn = "2018-01-15",
            title = "Board paper",
            issuer = "Trust board",
            documentType = "boardPaper",
            siteIds = new[] { s.Exemplar },
            text = "First extraction",
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        var second = (await Post($"{s.Url}/evidence/{id}/texts", s.Lead, new { text = "Second extraction", expectedVersion = 1 }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, second["textVersions"]!.GetValue<int>());
        var before = await App.EventCountAsync();
        (await Post($"{s.Url}/evidence/{id}/texts", s.Lead, new { text = "Stale", expectedVersion = 1 })).ShouldBeProblem(HttpStatusCode.Conflict);
        // A lone surrogate, escaped in the JSON as a careless client would send it.
        (await Post($"{s.Url}/evidence/{id}/texts", s.Lead, "{ \"text\": \"Bad \\ud800 text\", \"expectedVersion\": 2 }"))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "text");
        (await Post($"{s.Url}/evidence/{id}/texts", s.Lead, new { text = new string('x', 5 * 1024 * 1024 + 1), expectedVersion = 2 }))
            .ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
        (await Post($"{s.Url}/evidence/{Guid.NewGuid()}/texts", s.Lead, new { text = "x", expectedVersion = 0 })).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(before, await App.EventCountAsync());

        var texts = (await Get($"{s.Url}/evidence/{id}", s.Lead)).Json["texts"]!.AsArray();
        Assert.Equal(["First extraction", "Second extraction"], texts.Select(t => t!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task consent_is_enforced_on_the_field_date()
    {
        var s = await SetUp(record: false);
        var before = await App.EventCountAsync();
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, "Said in confidence"))).ShouldBeProblem(HttpStatusCode.BadRequest, "transcript");
        Assert.Equal(before, await App.EventCountAsync());
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s))).ShouldBe(HttpStatusCode.Created);

        // The participant stops taking part from 2018-06-01.
        (await Post($"{s.Url}/participants/{s.Participant}/consent", s.Lead, new
        {
            effectiveOn = "2018-06-01",
            takePart = false,
            record = false,
            quote = false,
            archive = false,
            lawfulBasis = "publicTask",
            informationSheetVersion = "v1",
        })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, occurredOn: "2018-06-02"))).ShouldBeProblem(HttpStatusCode.BadRequest, "participantIds[0]");
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, occurredOn: "2018-05-31"))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task bad_evidence_is_a_400_per_field_and_writes_nothing()
    {
        var s = await SetUp();
        var before = await App.EventCountAsync();
        var other = await EnrolSite(s.Evaluation, s.Lead, "OTH", "other", "2019-01-01");

        (await Post($"{s.Url}/interviews", s.Lead, new
        {
            occurredOn = "2018-03-05",
            siteIds = new[] { s.Exemplar },
            participantIds = new[] { s.Participant, Guid.NewGuid() },
            format = "oneToOne",
            mode = "phone",
            durationMinutes = 0,
        })).ShouldBeProblem(HttpStatusCode.BadRequest, "participantIds", "durationMinutes");
        (await Post($"{s.Url}/interviews", s.Lead, new
        {
            occurredOn = "2019-03-05",
            waveId = s.Wave,
            siteIds = new[] { s.Exemplar },
            pairingId = s.Pairing,
            participantIds = new[] { Guid.NewGuid() },
            format = "group",
            mode = "video",
            durationMinutes = 30,
        })).ShouldBeProblem(HttpStatusCode.BadRequest, "waveId", "pairingId", "participantIds[0]");
        (await Post($"{s.Url}/observations", s.Lead, new
        {
            occurredOn = "2018-03-05",
            siteIds = new[] { s.Exemplar, other },
            setting = "workshop",
            durationMinutes = 60,
        })).ShouldBeProblem(HttpStatusCode.BadRequest, "siteIds[1]");
        (await Post($"{s.Url}/observations", s.Lead, new
        {
            occurredOn = "2030-03-05",
            siteIds = new[] { s.Exemplar },
            setting = "party",
            durationMinutes = 60,
        })).ShouldBeProblem(HttpStatusCode.BadRequest, "setting");
        (await Post($"{s.Url}/documents", s.Lead, new
        {
            capturedOn = "2015-01-01",
            title = "",
            issuer = "NHS England",
            documentType = "guidance",
            siteIds = new[] { s.Exemplar },
        })).ShouldBeProblem(HttpStatusCode.BadRequest, "title");
        (await Post($"{s.Url}/documents", s.Lead, new
        {
            capturedOn = "2015-01-01",
            title = "Old",
            issuer = "NHS England",
            documentType = "guidance",
            siteIds = new[] { s.Exemplar },
        })).ShouldBeProblem(HttpStatusCode.BadRequest, "capturedOn", "siteIds[0]");
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, new string('y', 5 * 1024 * 1024 + 10)))).ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before + 1, await App.EventCountAsync()); // only the site enrolled above
    }

    [Fact]
    public async Task a_retried_interview_is_stored_once_and_another_body_with_its_id_is_refused()
    {
        var s = await SetUp();
        var id = Guid.NewGuid();
        var body = Interview(s, "A retried transcript", id: id);
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Post($"{s.Url}/interviews", s.Lead, body)));
        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.Created));
        Assert.Equal(2, (await App.EventsOfStreamAsync(id)).Count);
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, "Another transcript", id: id))).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.DoesNotContain("A retried transcript", await App.DatabaseTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_correction_shows_only_to_replays_known_after_it()
    {
        var s = await SetUp();
        var id = (await Post($"{s.Url}/interviews", s.Lead, Interview(s, occurredOn: "2018-03-12"))).ShouldBe(HttpStatusCode.Created)
            .Json["id"]!.GetValue<Guid>();
        var corrected = (await Post($"{s.Url}/evidence/{id}/corrections", s.Lead, new { occurredOn = "2018-03-05", durationMinutes = 65 }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2018-03-05", corrected["occurredOn"]!.GetValue<string>());

        var logged = Uri.EscapeDataString((await App.EventsOfStreamAsync(id))[0].Timestamp.ToString("O"));
        var then = (await Get($"{s.Url}/evidence/{id}?knownAt={logged}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2018-03-12", then["occurredOn"]!.GetValue<string>());
        Assert.Equal(55, then["durationMinutes"]!.GetValue<int>());
        (await Get($"{s.Url}/evidence/{id}?asOf=2018-03-06&knownAt={logged}", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(65, (await Get($"{s.Url}/evidence/{id}?asOf=2018-03-06", s.Lead)).Json["durationMinutes"]!.GetValue<int>());

        (await Post($"{s.Url}/evidence/{id}/corrections", s.Lead, new { title = "Not a document" })).ShouldBeProblem(HttpStatusCode.BadRequest, "title");
        (await Post($"{s.Url}/evidence/{id}/corrections", s.Lead, new { })).ShouldBeProblem(HttpStatusCode.BadRequest, "body");
        (await Post($"{s.Url}/evidence/{id}/corrections", s.Lead, new { occurredOn = "2019-03-05" })).ShouldBeProblem(HttpStatusCode.BadRequest, "waveId");
    }

    [Fact]
    public async Task lists_filter_and_counts_follow_the_cut()
    {
        var s = await SetUp();
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, occurredOn: "2018-03-05"))).ShouldBe(HttpStatusCode.Created);
        (await Post($"{s.Url}/observations", s.Lead, new
        {
            occurredOn = "2018-05-01",
            waveId = s.Wave,
            siteIds = new[] { s.Follower },
            setting = "siteVisit",
            durationMinutes = 120,
        })).ShouldBe(HttpStatusCode.Created);
        (await Post($"{s.Url}/documents", s.Lead, new
        {
            capturedOn = "2019-02-01",
            title = "Strategy",
            issuer = "Trust",
            documentType = "strategy",
            siteIds = new[] { s.Follower },
        })).ShouldBe(HttpStatusCode.Created);

        var all = (await Get($"{s.Url}/evidence", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(3, all["total"]!.GetValue<int>());
        Assert.Equal(3, (await Get($"{s.Url}/evidence?siteId={s.Follower}", s.Lead)).Json["total"]!.GetValue<int>());
        Assert.Equal(1, (await Get($"{s.Url}/evidence?siteId={s.Exemplar}", s.Lead)).Json["total"]!.GetValue<int>());
        Assert.Equal(1, (await Get($"{s.Url}/evidence?pairingId={s.Pairing}", s.Lead)).Json["total"]!.GetValue<int>());
        Assert.Equal(2, (await Get($"{s.Url}/evidence?waveId={s.Wave}", s.Lead)).Json["total"]!.GetValue<int>());
        Assert.Equal(1, (await Get($"{s.Url}/evidence?kind=document", s.Lead)).Json["total"]!.GetValue<int>());
        Assert.Equal(2, (await Get($"{s.Url}/evidence?asOf=2018-12-31", s.Lead)).Json["total"]!.GetValue<int>());
        (await Get($"{s.Url}/evidence?kind=video", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest);

        var follower = (await Get($"{s.Url}/sites/{s.Follower}?asOf=2018-12-31", s.Lead)).Json["counts"]!;
        Assert.Equal(1, follower["interviews"]!.GetValue<int>());
        Assert.Equal(1, follower["observations"]!.GetValue<int>());
        Assert.Equal(0, follower["documents"]!.GetValue<int>());
        Assert.Equal(120, follower["observedMinutes"]!.GetValue<int>());
        Assert.Equal(1, (await Get($"{s.Url}/sites/{s.Follower}", s.Lead)).Json["counts"]!["documents"]!.GetValue<int>());
        var byWave = Assert.Single((await Get($"{s.Url}/sites/{s.Follower}", s.Lead)).Json["countsByWave"]!.AsArray())!;
        Assert.Equal(s.Wave, byWave["waveId"]!.GetValue<Guid>());
        Assert.Equal(2, byWave["counts"]!["interviews"]!.GetValue<int>() + byWave["counts"]!["observations"]!.GetValue<int>());

        var pairing = (await Get($"{s.Url}/pairings/{s.Pairing}", s.Lead)).Json;
        Assert.Equal(1, pairing["counts"]!["interviews"]!.GetValue<int>());
        var state = (await Get($"{s.Url}/state?asOf=2018-04-01", s.Lead)).Json;
        Assert.Equal(1, state["counts"]!["interviews"]!.GetValue<int>());
        Assert.Equal(0, state["counts"]!["observations"]!.GetValue<int>());
        var evaluation = (await Get(s.Url, s.Lead)).Json;
        Assert.Equal(1, evaluation["counts"]!["documents"]!.GetValue<int>());
    }

    [Fact]
    public async Task exchanges_name_only_evidence_of_the_evaluation()
    {
        var s = await SetUp();
        var evidence = (await Post($"{s.Url}/interviews", s.Lead, Interview(s))).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var url = $"{s.Url}/pairings/{s.Pairing}/exchanges";
        (await Post(url, s.Lead, new
        {
            occurredOn = "2018-03-05",
            direction = "mutual",
            channel = "informal",
            topic = "Go-live",
            evidenceIds = new[] { evidence, Guid.NewGuid() },
        })).ShouldBeProblem(HttpStatusCode.BadRequest, "evidenceIds[1]");
        (await Post(url, s.Lead, new
        {
            occurredOn = "2018-03-05",
            direction = "mutual",
            channel = "informal",
            topic = "Go-live",
            evidenceIds = new[] { evidence },
        })).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task auditors_read_evidence_but_cannot_log_it()
    {
        var s = await SetUp();
        var auditor = NewUser("auditor");
        await AddMember(s.Evaluation, s.Lead, auditor, "auditor");
        (await Post($"{s.Url}/interviews", auditor, Interview(s))).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get($"{s.Url}/evidence", auditor)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task sixteen_clients_logging_twenty_interviews_each_are_all_counted()
    {
        var s = await SetUp();
        var replies = await Task.WhenAll(Enumerable.Range(0, 16).Select(async client =>
        {
            var mine = new List<Reply>();
            for (var i = 0; i < 20; i++)
            {
                mine.Add(await Post($"{s.Url}/interviews", s.Lead, Interview(s)));
            }

            return mine;
        }));
        var all = replies.SelectMany(r => r).ToList();
        Assert.All(all, r => r.ShouldBe(HttpStatusCode.Created));
        Assert.Equal(320, all.Select(r => r.Json["id"]!.GetValue<Guid>()).Distinct().Count());
        Assert.Equal(320, (await Get($"{s.Url}/sites/{s.Exemplar}", s.Lead)).Json["counts"]!["interviews"]!.GetValue<int>());
        Assert.Equal(320, (await Get($"{s.Url}/evidence?limit=500", s.Lead)).Json["total"]!.GetValue<int>());
    }
}
