using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Resilience;

/// <summary>
/// A create sent again, one after the other, with the same id and body answers the same 201 and
/// leaves the database exactly as it was: no event, no tombstone, no sequence number drawn, no
/// row added, removed or changed. Every POST that answers 201 is covered: the routes are read
/// from the OpenAPI document, and a creating route this class has no request for fails it.
/// </summary>
/// <remarks>
/// The fingerprint is of the whole database, so nothing else may write while it is taken. Every
/// API test is in the one "api" collection, whose tests xunit runs one at a time, so the only
/// other writer is the host's async daemon (the integrity chain): each fingerprint is taken once
/// it has caught up, and a repeat that writes nothing gives it nothing to do.
/// </remarks>
public sealed class when_repeating_a_create(AppFixture app) : ApiTest(app)
{
    /// <summary>Everything a create may need, in an evaluation of its own.</summary>
    private sealed record World(string Lead, Guid Evaluation, Guid Exemplar, Guid Follower, Guid Wave, Guid Participant,
        Guid Pairing, Guid Evidence, Guid Code, Guid Visit)
    {
        public string Root => $"/api/evaluations/{Evaluation}";
    }

    private static JsonArray Ids(params Guid[] ids) => [.. ids.Select(id => (JsonNode)id)];

    /// <summary>A valid create for each creating route (keyed as the OpenAPI document spells it): its URL and body, given a fresh id.</summary>
    private static readonly IReadOnlyDictionary<string, Func<World, Guid, (string Url, JsonObject Body)>> Creates =
        new Dictionary<string, Func<World, Guid, (string, JsonObject)>>
        {
            ["/api/evaluations"] = (_, id) => ("/api/evaluations", new JsonObject
            {
                ["id"] = id,
                ["name"] = "Repeated evaluation",
                ["startsOn"] = "2016-09-01",
                ["endsOn"] = "2021-09-30",
                ["description"] = "Sent twice.",
            }),
            ["/api/evaluations/{evaluationId}/waves"] = (w, id) => ($"{w.Root}/waves", new JsonObject
            {
                ["id"] = id,
                ["name"] = "Second half of 2018",
                ["startsOn"] = "2018-07-01",
                ["endsOn"] = "2018-12-31",
            }),
            ["/api/evaluations/{evaluationId}/sites"] = (w, id) => ($"{w.Root}/sites", new JsonObject
            {
                ["id"] = id,
                ["code"] = "NEW",
                ["kind"] = "mentalHealth",
                ["programmeRole"] = "follower",
                ["cohort"] = "Mental health",
                ["region"] = "Midlands",
                ["eprSystem"] = "Rio",
                ["caseDepth"] = "broader",
                ["enrolledOn"] = "2018-02-01",
            }),
            ["/api/evaluations/{evaluationId}/pairings"] = (w, id) => ($"{w.Root}/pairings", new JsonObject
            {
                // The world's pairing is of the same two sites but dissolved, so this one may open.
                ["id"] = id,
                ["exemplarSiteId"] = w.Exemplar,
                ["followerSiteId"] = w.Follower,
                ["proposedOn"] = "2018-10-01",
            }),
            ["/api/evaluations/{evaluationId}/pairings/{pairingId}/exchanges"] = (w, id) => ($"{w.Root}/pairings/{w.Pairing}/exchanges", new JsonObject
            {
                ["id"] = id,
                ["occurredOn"] = "2018-05-15",
                ["direction"] = "mutual",
                ["channel"] = "formal",
                ["topic"] = "Clinical safety case",
                ["evidenceIds"] = Ids(w.Evidence),
            }),
            ["/api/evaluations/{evaluationId}/links"] = (w, id) => ($"{w.Root}/links", new JsonObject
            {
                ["id"] = id,
                ["siteAId"] = w.Exemplar,
                ["siteBId"] = w.Follower,
                ["formedOn"] = "2018-03-10",
                ["note"] = "Their CCIOs meet.",
            }),
            ["/api/evaluations/{evaluationId}/participants"] = (w, id) => ($"{w.Root}/participants", new JsonObject
            {
                ["id"] = id,
                ["pseudonym"] = "P-02",
                ["role"] = "Clinical safety officer",
                ["siteId"] = w.Exemplar,
                ["consent"] = Consent(),
                ["personal"] = new JsonObject { ["name"] = "Alex Example", ["email"] = "alex.example@trust.example" },
            }),
            ["/api/evaluations/{evaluationId}/interviews"] = (w, id) => ($"{w.Root}/interviews", new JsonObject
            {
                ["id"] = id,
                ["occurredOn"] = "2018-05-02",
                ["waveId"] = w.Wave,
                ["siteIds"] = Ids(w.Exemplar),
                ["participantIds"] = Ids(w.Participant),
                ["format"] = "oneToOne",
                ["mode"] = "video",
                ["durationMinutes"] = 45,
                ["transcript"] = "The follower's pharmacists now run the same order sets as the exemplar's.",
            }),
            ["/api/evaluations/{evaluationId}/observations"] = (w, id) => ($"{w.Root}/observations", new JsonObject
            {
                ["id"] = id,
                ["occurredOn"] = "2018-05-03",
                ["waveId"] = w.Wave,
                ["siteIds"] = Ids(w.Exemplar, w.Follower),
                ["setting"] = "workshop",
                ["durationMinutes"] = 90,
                ["fieldNotes"] = "A joint workshop on order sets.",
            }),
            ["/api/evaluations/{evaluationId}/documents"] = (w, id) => ($"{w.Root}/documents", new JsonObject
            {
                ["id"] = id,
                ["capturedOn"] = "2018-05-20",
                ["issuedOn"] = "2018-05-01",
                ["waveId"] = w.Wave,
                ["title"] = "Board paper: EPR benefits",
                ["issuer"] = "Trust board",
                ["documentType"] = "boardPaper",
                ["siteIds"] = Ids(w.Exemplar),
                ["text"] = "The board is asked to note the benefits realised since go-live.",
            }),
            ["/api/evaluations/{evaluationId}/visits"] = (w, id) => ($"{w.Root}/visits", new JsonObject
            {
                ["id"] = id,
                ["siteIds"] = Ids(w.Exemplar),
                ["startsOn"] = "2018-05-02",
                ["waveId"] = w.Wave,
                ["fieldworkerIds"] = new JsonArray(w.Lead),
                ["loggedAt"] = "2018-05-02T17:00:00Z",
                ["items"] = new JsonArray(new JsonObject
                {
                    ["kind"] = "interview",
                    ["occurredOn"] = "2018-05-02",
                    ["participantIds"] = Ids(w.Participant),
                    ["format"] = "oneToOne",
                    ["mode"] = "inPerson",
                    ["durationMinutes"] = 45,
                    ["transcript"] = "The exemplar's CCIO walked us through the go-live plan.",
                }),
            }),
            ["/api/evaluations/{evaluationId}/visits/{visitId}/items"] = (w, id) => ($"{w.Root}/visits/{w.Visit}/items", new JsonObject
            {
                ["kind"] = "document",
                ["id"] = id,
                ["capturedOn"] = "2018-05-09",
                ["title"] = "Ward rota",
                ["issuer"] = "Ward manager",
                ["documentType"] = "rota",
                ["text"] = "Nights: two nurses trained on the new system.",
            }),
            ["/api/evaluations/{evaluationId}/codebook/codes"] = (w, id) => ($"{w.Root}/codebook/codes", new JsonObject
            {
                ["id"] = id,
                ["name"] = "Workarounds",
                ["parentId"] = w.Code,
                ["definition"] = "Ways round the system.",
                ["dimension"] = "technology",
            }),
            ["/api/evaluations/{evaluationId}/evidence/{evidenceId}/codings"] = (w, id) => ($"{w.Root}/evidence/{w.Evidence}/codings", new JsonObject
            {
                ["id"] = id,
                ["codeId"] = w.Code,
                ["textVersion"] = 1,
                ["start"] = 0,
                ["end"] = 9,
                ["note"] = "Clearly leadership.",
            }),
            ["/api/evaluations/{evaluationId}/memos"] = (w, id) => ($"{w.Root}/memos", new JsonObject
            {
                ["id"] = id,
                ["aboutKind"] = "site",
                ["aboutId"] = w.Exemplar,
                ["text"] = "Leadership changed twice.",
            }),
            ["/api/evaluations/{evaluationId}/findings"] = (w, id) => ($"{w.Root}/findings", new JsonObject
            {
                ["id"] = id,
                ["statement"] = "Buddying helped followers most early on.",
                ["siteIds"] = Ids(w.Exemplar, w.Follower),
                ["pairingIds"] = Ids(w.Pairing),
                ["waveIds"] = Ids(w.Wave),
            }),
        };

    public static TheoryData<string> Routes => [.. Creates.Keys];

    [Fact]
    public async Task every_creating_route_is_covered()
    {
        var paths = (await Get("/openapi/v1.json", null)).ShouldBe(HttpStatusCode.OK).Json["paths"]!.AsObject();
        var creating = paths
            .Where(path => path.Value?["post"]?["responses"]?.AsObject().ContainsKey("201") == true)
            // Imports take a file, not JSON; their repeats are checked by when_importing_refi_qda.
            .Where(path => path.Value!["post"]!["requestBody"]?["content"] is not JsonObject content || content.ContainsKey("application/json"))
            .Select(path => path.Key)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(creating);
        Assert.Equal(creating, Creates.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task a_repeat_answers_the_same_and_leaves_the_database_as_it_was(string route)
    {
        var world = await BuildWorldAsync();
        var id = Guid.NewGuid();
        var (url, body) = Creates[route](world, id);
        var first = (await Post(url, world.Lead, body.ToJsonString())).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(id, first.Json["id"]!.GetValue<Guid>());

        var owned = await DatabaseFingerprint.OwnedIdsAsync(App.ConnectionString, world.Evaluation, id);
        await DatabaseFingerprint.WaitForTheDaemonAsync(App.ConnectionString, TimeSpan.FromSeconds(60));
        var before = await DatabaseFingerprint.TakeAsync(App.ConnectionString, owned);

        var repeat = (await Post(url, world.Lead, body.ToJsonString())).ShouldBe(HttpStatusCode.Created);

        var after = await DatabaseFingerprint.TakeAsync(App.ConnectionString, owned);
        Assert.Equal(first.Body, repeat.Body);
        Assert.Equal(first.Response.Headers.Location, repeat.Response.Headers.Location);
        var differences = before.Differences(after);
        Assert.True(differences.Count == 0, $"The repeat of POST {route} changed the database:\n{string.Join('\n', differences)}");
    }

    [Fact]
    public async Task the_fingerprint_sees_a_create()
    {
        // The fingerprint is the whole proof of the test above: it must see a real write.
        var world = await BuildWorldAsync();
        var owned = await DatabaseFingerprint.OwnedIdsAsync(App.ConnectionString, world.Evaluation);
        await DatabaseFingerprint.WaitForTheDaemonAsync(App.ConnectionString, TimeSpan.FromSeconds(60));
        var before = await DatabaseFingerprint.TakeAsync(App.ConnectionString, owned);

        var (url, body) = Creates["/api/evaluations/{evaluationId}/memos"](world, Guid.NewGuid());
        (await Post(url, world.Lead, body.ToJsonString())).ShouldBe(HttpStatusCode.Created);

        var differences = before.Differences(await DatabaseFingerprint.TakeAsync(App.ConnectionString, owned));
        Assert.Contains(differences, d => d.StartsWith("fieldwork.mt_events rows:", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("fieldwork.mt_events_sequence last value:", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("fieldwork.mt_doc_creationrecord rows:", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("fieldwork.mt_doc_memotimeline rows of the named ids:", StringComparison.Ordinal));
    }

    private static JsonObject Consent() => new()
    {
        ["givenOn"] = "2016-01-01",
        ["takePart"] = true,
        ["record"] = true,
        ["quote"] = true,
        ["archive"] = true,
        ["lawfulBasis"] = "publicTask",
        ["informationSheetVersion"] = "v1",
    };

    private async Task<World> BuildWorldAsync()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var root = $"/api/evaluations/{evaluation}";

        async Task<Guid> Create(string path, object body) =>
            (await Post($"{root}/{path}", lead, body is JsonObject json ? json.ToJsonString() : body))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        var wave = await Create("waves", new { name = "First half of 2018", startsOn = "2018-01-01", endsOn = "2018-06-30" });
        var exemplar = await EnrolSite(evaluation, lead, "EX1", "exemplar", "2018-01-02");
        var follower = await EnrolSite(evaluation, lead, "FO1", "follower", "2018-01-02");
        var participant = await Create("participants", new JsonObject
        {
            ["pseudonym"] = "P-01",
            ["role"] = "CCIO",
            ["siteId"] = exemplar,
            ["consent"] = Consent(),
        });
        var pairing = await ProposePairing(evaluation, lead, exemplar, follower, "2018-02-01");
        var evidence = await Create("observations", new
        {
            occurredOn = "2018-03-05",
            waveId = wave,
            siteIds = new[] { exemplar, follower },
            setting = "meeting",
            durationMinutes = 60,
            fieldNotes = "Leadership of the go-live, discussed at length.",
        });
        var code = await Create("codebook/codes", new { name = "Leadership", definition = "Who leads the change.", dimension = "people" });
        // The pairing stays open for exchanges until the autumn; a new pairing of the same sites may be proposed after.
        (await Post($"{root}/pairings/{pairing}/dissolution", lead, new { dissolvedOn = "2018-09-30", reason = "The follower went live." }))
            .ShouldBe(HttpStatusCode.OK);
        var visit = await Create("visits", new { siteIds = new[] { exemplar }, startsOn = "2018-05-08", endsOn = "2018-05-09", fieldworkerIds = new[] { lead }, items = Array.Empty<object>() });
        return new World(lead, evaluation, exemplar, follower, wave, participant, pairing, evidence, code, visit);
    }
}
