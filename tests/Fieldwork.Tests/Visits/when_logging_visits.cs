using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Visits;

/// <summary>
/// A visit is the fieldworker's unit of work: logged at once with the items collected on it, in
/// one transaction, safe to send again after a broken connection.
/// </summary>
public sealed class when_logging_visits(AppFixture app) : ApiTest(app)
{
    private sealed record Study(string Lead, string Fieldworker, Guid Evaluation, Guid Exemplar, Guid Follower, Guid Wave, Guid Participant)
    {
        public string Url => $"/api/evaluations/{Evaluation}";
    }

    private async Task<Study> SetUp()
    {
        var lead = NewUser("lead");
        var fieldworker = NewUser("fieldworker");
        var evaluation = await CreateEvaluation(lead);
        await AddMember(evaluation, lead, fieldworker, "fieldworker");
        var exemplar = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF1", "follower", "2016-09-01");
        var wave = (await Post($"/api/evaluations/{evaluation}/waves", lead, new { name = "Wave 2", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var participant = (await Post($"/api/evaluations/{evaluation}/participants", lead, new
        {
            pseudonym = "P-001",
            role = "CCIO",
            siteId = exemplar,
            consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        return new Study(lead, fieldworker, evaluation, exemplar, follower, wave, participant);
    }

    private static JsonObject Visit(Study s, Guid id, params JsonObject[] items) => new()
    {
        ["id"] = id,
        ["siteIds"] = new JsonArray(s.Exemplar, s.Follower),
        ["startsOn"] = "2018-03-05",
        ["endsOn"] = "2018-03-06",
        ["waveId"] = s.Wave,
        ["fieldworkerIds"] = new JsonArray(s.Fieldworker),
        ["purpose"] = "Wave 2 case study visit",
        ["items"] = new JsonArray([.. items]),
    };

    private static JsonObject Interview(Study s, Guid? id = null, string on = "2018-03-05", Guid? participant = null) => new()
    {
        ["kind"] = "interview",
        ["id"] = id ?? Guid.NewGuid(),
        ["occurredOn"] = on,
        ["siteIds"] = new JsonArray(s.Exemplar),
        ["participantIds"] = new JsonArray(participant ?? s.Participant),
        ["format"] = "oneToOne",
        ["mode"] = "inPerson",
        ["durationMinutes"] = 50,
        ["transcript"] = "We copied their order sets within a month.",
    };

    private static JsonObject Observation(Guid? id = null, string on = "2018-03-06") => new()
    {
        ["kind"] = "observation",
        ["id"] = id ?? Guid.NewGuid(),
        ["occurredOn"] = on,
        ["setting"] = "meeting",
        ["durationMinutes"] = 90,
        ["fieldNotes"] = "The programme board met in the follower's boardroom.",
    };

    private static JsonObject Document(Guid? id = null) => new()
    {
        ["kind"] = "document",
        ["id"] = id ?? Guid.NewGuid(),
        ["capturedOn"] = "2018-03-06",
        ["title"] = "Programme board minutes",
        ["issuer"] = "Programme board",
        ["documentType"] = "minutes",
        ["text"] = "Minutes of the March board.",
    };

    private Task<Reply> Send(Study s, JsonObject visit, string? user = null) => Post($"{s.Url}/visits", user ?? s.Fieldworker, visit.ToJsonString());

    [Fact]
    public async Task a_visit_is_logged_with_its_items_at_once_and_each_item_says_its_visit()
    {
        var s = await SetUp();
        var (visitId, interview, observation, document) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var body = Visit(s, visitId, Interview(s, interview), Observation(observation), Document(document));
        body["loggedAt"] = "2018-03-06T19:30:00+00:00";

        var created = (await Send(s, body)).ShouldBe(HttpStatusCode.Created);

        Assert.Equal(visitId, created.Json["id"]!.GetValue<Guid>());
        Assert.Equal($"{s.Url}/visits/{visitId}", created.Response.Headers.Location!.OriginalString);
        var visit = (await Get($"{s.Url}/visits/{visitId}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(3, visit["itemCount"]!.GetValue<int>());
        Assert.Equal(new[] { interview, observation, document }.Order(), visit["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).Order());
        Assert.Equal("2018-03-06", visit["endsOn"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse("2018-03-06T19:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
            visit["loggedAt"]!.GetValue<DateTimeOffset>());
        Assert.True(visit["recordedAt"]!.GetValue<DateTimeOffset>() > visit["loggedAt"]!.GetValue<DateTimeOffset>());

        foreach (var id in new[] { interview, observation, document })
        {
            var item = (await Get($"{s.Url}/evidence/{id}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Equal(visitId, item["visitId"]!.GetValue<Guid>());
            // Items take the visit's wave (and, when they leave them out, its sites).
            Assert.Equal(s.Wave, item["waveId"]!.GetValue<Guid>());
            Assert.Equal(DateTimeOffset.Parse("2018-03-06T19:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
                item["loggedAt"]!.GetValue<DateTimeOffset>());
            Assert.NotEqual(item["loggedAt"]!.GetValue<DateTimeOffset>(), item["recordedAt"]!.GetValue<DateTimeOffset>());
        }

        // The item's history (the audit log of its stream) shows when it was written down beside when it was recorded.
        var history = (await Get($"{s.Url}/audit?streamId={interview}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json["items"]!.AsArray();
        Assert.All(history, e => Assert.Equal(DateTimeOffset.Parse("2018-03-06T19:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
            e!["loggedAt"]!.GetValue<DateTimeOffset>()));

        var observed = (await Get($"{s.Url}/evidence/{observation}", s.Lead)).Json;
        Assert.Equal([s.Exemplar, s.Follower], observed["siteIds"]!.AsArray().Select(x => x!.GetValue<Guid>()));
        // The transcript is sealed like any other: readable through the API, not in the database.
        var transcript = (await Get($"{s.Url}/evidence/{interview}", s.Lead)).Json["texts"]![0]!["text"]!.GetValue<string>();
        Assert.Equal("We copied their order sets within a month.", transcript);
        Assert.DoesNotContain("We copied their order sets", await App.DatabaseTextAsync(), StringComparison.Ordinal);

        var listed = (await Get($"{s.Url}/visits?siteId={s.Follower}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(visitId, Assert.Single(listed["items"]!.AsArray())!["id"]!.GetValue<Guid>());
        var before = (await Get($"{s.Url}/visits?asOf=2018-03-04", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Empty(before["items"]!.AsArray());
    }

    [Fact]
    public async Task a_visit_whose_third_item_is_refused_writes_nothing_and_names_the_item_and_field()
    {
        var s = await SetUp();
        var before = await App.TableCountsAsync();

        var refused = await Send(s, Visit(s, Guid.NewGuid(), Interview(s), Observation(), Interview(s, participant: Guid.NewGuid())));

        refused.ShouldBeProblem(HttpStatusCode.BadRequest, "items[2].participantIds[0]");
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task ugly_visits_are_refused_with_the_field_at_fault_and_write_nothing()
    {
        var s = await SetUp();
        var before = await App.TableCountsAsync();
        var outsider = NewUser("outsider");
        var shared = Guid.NewGuid();

        var cases = new (JsonObject Body, HttpStatusCode Status, string Field)[]
        {
            (Visit(s, Guid.NewGuid(), Observation(on: "2018-03-09")), HttpStatusCode.BadRequest, "items[0].occurredOn"),
            (With(Visit(s, Guid.NewGuid(), Observation()), "fieldworkerIds", new JsonArray(outsider)), HttpStatusCode.BadRequest, "fieldworkerIds[0]"),
            (With(Visit(s, Guid.NewGuid()), "endsOn", "2018-03-01"), HttpStatusCode.BadRequest, "endsOn"),
            (With(With(Visit(s, Guid.NewGuid()), "startsOn", "2030-01-01"), "endsOn", null), HttpStatusCode.BadRequest, "startsOn"),
            (With(Visit(s, Guid.NewGuid(), Observation()), "loggedAt", "2999-01-01T00:00:00Z"), HttpStatusCode.BadRequest, "loggedAt"),
            (Visit(s, Guid.NewGuid(), With(Document(), "transcript", "Not a document's field.")), HttpStatusCode.BadRequest, "items[0].transcript"),
            (Visit(s, Guid.NewGuid(), With(Observation(), "kind", null)), HttpStatusCode.BadRequest, "items[0].kind"),
            (Visit(s, Guid.NewGuid(), With(Observation(), "durationMinutes", null)), HttpStatusCode.BadRequest, "items[0].durationMinutes"),
            (Visit(s, Guid.NewGuid(), Observation(shared), Document(shared)), HttpStatusCode.BadRequest, "items[1].id"),
            (Visit(s, Guid.NewGuid(), With(Observation(), "siteIds", new JsonArray(Guid.NewGuid()))), HttpStatusCode.BadRequest, "items[0].siteIds[0]"),
            (With(Visit(s, Guid.NewGuid()), "waveId", Guid.NewGuid()), HttpStatusCode.BadRequest, "waveId"),
            (With(Visit(s, Guid.NewGuid()), "items", null), HttpStatusCode.BadRequest, "items"),
        };
        foreach (var (body, status, field) in cases)
        {
            (await Send(s, body)).ShouldBeProblem(status, field);
        }

        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task the_same_visit_again_writes_nothing_and_another_body_under_its_id_is_a_conflict()
    {
        var s = await SetUp();
        var id = Guid.NewGuid();
        var body = Visit(s, id, Interview(s), Observation());
        (await Send(s, body)).ShouldBe(HttpStatusCode.Created);
        var before = await App.TableCountsAsync();

        (await Send(s, body)).ShouldBe(HttpStatusCode.Created);
        (await Send(s, With(body.DeepClone().AsObject(), "purpose", "Another purpose"))).ShouldBeProblem(HttpStatusCode.Conflict);
        // An item id already logged, in a visit of its own.
        var reused = Visit(s, Guid.NewGuid(), Observation(body["items"]![1]!["id"]!.GetValue<Guid>()));
        (await Send(s, reused)).ShouldBeProblem(HttpStatusCode.Conflict);

        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task two_fieldworkers_syncing_overlapping_visits_of_a_site_at_once_both_land_once_each()
    {
        var s = await SetUp();
        var second = NewUser("fieldworker");
        await AddMember(s.Evaluation, s.Lead, second, "fieldworker");
        var mine = Visit(s, Guid.NewGuid(), Interview(s), Observation());
        var theirs = With(Visit(s, Guid.NewGuid(), Observation(), Document()), "fieldworkerIds", new JsonArray(second));
        var events = await App.EventCountAsync();

        // Each device retries after a broken connection: every copy is sent twice, all at once.
        var replies = await Task.WhenAll(
            Send(s, mine), Send(s, theirs, second), Send(s, mine), Send(s, theirs, second));

        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.Created));
        // Visit + interview (logged, text) + observation (logged, text); visit + observation (logged, text) + document (logged, text).
        Assert.Equal(events + 5 + 5, await App.EventCountAsync());
        var listed = (await Get($"{s.Url}/visits?siteId={s.Exemplar}", s.Lead)).Json["items"]!.AsArray();
        Assert.Equal(2, listed.Count);
    }

    [Fact]
    public async Task an_item_joins_a_visit_later_within_its_days_and_sites()
    {
        var s = await SetUp();
        var visitId = Guid.NewGuid();
        (await Send(s, Visit(s, visitId))).ShouldBe(HttpStatusCode.Created);
        var itemId = Guid.NewGuid();
        var item = With(Observation(itemId), "loggedAt", "2018-03-07T08:00:00Z");

        var added = (await Post($"{s.Url}/visits/{visitId}/items", s.Fieldworker, item.ToJsonString())).ShouldBe(HttpStatusCode.Created);

        Assert.Equal($"{s.Url}/evidence/{itemId}", added.Response.Headers.Location!.OriginalString);
        (await Post($"{s.Url}/visits/{visitId}/items", s.Fieldworker, item.ToJsonString())).ShouldBe(HttpStatusCode.Created);
        var visit = (await Get($"{s.Url}/visits/{visitId}", s.Lead)).Json;
        Assert.Equal(itemId, Assert.Single(visit["items"]!.AsArray())!["id"]!.GetValue<Guid>());
        var read = (await Get($"{s.Url}/evidence/{itemId}", s.Lead)).Json;
        Assert.Equal(visitId, read["visitId"]!.GetValue<Guid>());
        Assert.Equal(DateTimeOffset.Parse("2018-03-07T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), read["loggedAt"]!.GetValue<DateTimeOffset>());

        var before = await App.TableCountsAsync();
        (await Post($"{s.Url}/visits/{Guid.NewGuid()}/items", s.Fieldworker, Observation().ToJsonString())).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Post($"{s.Url}/visits/{visitId}/items", s.Fieldworker, Observation(on: "2018-04-01").ToJsonString()))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "occurredOn");
        (await Post($"{s.Url}/visits/{visitId}/items", NewUser("stranger"), Observation().ToJsonString())).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(before, await App.TableCountsAsync());
    }

    [Fact]
    public async Task a_visit_is_read_as_known_at_an_instant()
    {
        var s = await SetUp();
        var visitId = Guid.NewGuid();
        (await Send(s, Visit(s, visitId, Observation()))).ShouldBe(HttpStatusCode.Created);
        var knownBefore = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        (await Get($"{s.Url}/visits/{visitId}?knownAt={Uri.EscapeDataString(knownBefore)}", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{s.Url}/visits/{visitId}?asOf=2018-03-04", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{s.Url}/visits/{visitId}", NewUser("stranger"))).ShouldBeProblem(HttpStatusCode.NotFound);
        var asOfFirstDay = (await Get($"{s.Url}/visits/{visitId}?asOf=2018-03-05", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        // The observation was on the second day: not yet happened on the first.
        Assert.Empty(asOfFirstDay["items"]!.AsArray());
    }

    [Fact]
    public async Task visits_count_in_coverage_site_reads_and_state_as_of_their_days()
    {
        var s = await SetUp();
        (await Send(HttpMethod.Put, $"{s.Url}/waves/{s.Wave}/plan", s.Lead,
            new JsonObject { ["sites"] = new JsonArray(new JsonObject { ["siteId"] = s.Exemplar, ["visits"] = 2 }) }.ToJsonString()))
            .ShouldBe(HttpStatusCode.OK);
        (await Send(s, Visit(s, Guid.NewGuid(), Observation()))).ShouldBe(HttpStatusCode.Created);
        var second = With(With(With(Visit(s, Guid.NewGuid()), "startsOn", "2018-06-11"), "endsOn", "2018-06-12"), "siteIds", new JsonArray(s.Exemplar));
        (await Send(s, second)).ShouldBe(HttpStatusCode.Created);

        JsonNode Row(JsonNode coverage, Guid site) => coverage["items"]!.AsArray().Single(i => i!["siteId"]!.GetValue<Guid>() == site)!;
        var now = (await Get($"{s.Url}/coverage?waveId={s.Wave}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, Row(now, s.Exemplar)["visits"]!.GetValue<int>());
        Assert.Equal("met", Row(now, s.Exemplar)["status"]!.GetValue<string>());
        Assert.Equal("2018-06-12", Row(now, s.Exemplar)["lastVisitedOn"]!.GetValue<string>());
        Assert.Equal(1, Row(now, s.Follower)["visits"]!.GetValue<int>());
        Assert.Equal("notPlanned", Row(now, s.Follower)["status"]!.GetValue<string>());

        // Half-way through the second visit, and before it.
        var during = (await Get($"{s.Url}/coverage?waveId={s.Wave}&asOf=2018-06-11", s.Lead)).Json;
        Assert.Equal("2018-06-11", Row(during, s.Exemplar)["lastVisitedOn"]!.GetValue<string>());
        var april = (await Get($"{s.Url}/coverage?waveId={s.Wave}&asOf=2018-04-01", s.Lead)).Json;
        Assert.Equal(1, Row(april, s.Exemplar)["visits"]!.GetValue<int>());
        Assert.Equal("inProgress", Row(april, s.Exemplar)["status"]!.GetValue<string>());
        Assert.Equal("2018-03-06", Row(april, s.Exemplar)["lastVisitedOn"]!.GetValue<string>());

        var site = (await Get($"{s.Url}/sites/{s.Exemplar}?asOf=2018-04-01", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, site["visits"]!.GetValue<int>());
        Assert.Equal("2018-03-06", site["lastVisitedOn"]!.GetValue<string>());
        var state = (await Get($"{s.Url}/state?asOf=2018-03-01", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        var before = state["sites"]!.AsArray().Single(x => x!["id"]!.GetValue<Guid>() == s.Exemplar)!;
        Assert.Equal(0, before["visits"]!.GetValue<int>());
        Assert.Null(before["lastVisitedOn"]);
    }

    [Fact]
    public async Task a_correction_keeps_an_item_within_its_visit()
    {
        var s = await SetUp();
        var item = Guid.NewGuid();
        (await Send(s, Visit(s, Guid.NewGuid(), Observation(item)))).ShouldBe(HttpStatusCode.Created);
        var before = await App.TableCountsAsync();

        (await Post($"{s.Url}/evidence/{item}/corrections", s.Lead, new { occurredOn = "2018-03-20" })).ShouldBeProblem(HttpStatusCode.BadRequest, "occurredOn");
        Assert.Equal(before, await App.TableCountsAsync());
        var moved = (await Post($"{s.Url}/evidence/{item}/corrections", s.Lead, new { occurredOn = "2018-03-05" })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2018-03-05", moved["occurredOn"]!.GetValue<string>());
    }

    private static JsonObject With(JsonObject body, string field, JsonNode? value)
    {
        body[field] = value;
        return body;
    }
}
