using System.Net;
using Fieldwork.Tests.Infrastructure;
using Npgsql;

namespace Fieldwork.Tests.Evidence;

/// <summary>
/// Group commit: evidence logged at the same moment is decided and committed together, and each
/// request still gets its own rule, metadata, creation record and answer.
/// </summary>
public sealed class when_logging_evidence_together(AppFixture app) : ApiTest(app)
{
    private sealed record Study(string Lead, Guid Evaluation, Guid Site, Guid Wave, Guid Participant)
    {
        public string Url => $"/api/evaluations/{Evaluation}";
    }

    private async Task<Study> SetUp()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var wave = (await Post($"/api/evaluations/{evaluation}/waves", lead, new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var participant = (await Post($"/api/evaluations/{evaluation}/participants", lead, new
        {
            pseudonym = "P-001",
            role = "CCIO",
            siteId = site,
            consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        return new Study(lead, evaluation, site, wave, participant);
    }

    private static object Interview(Study s, Guid id, string occurredOn = "2018-03-05") => new
    {
        id,
        occurredOn,
        waveId = s.Wave,
        siteIds = new[] { s.Site },
        participantIds = new[] { s.Participant },
        format = "oneToOne",
        mode = "phone",
        durationMinutes = 40,
        transcript = $"What changed on the ward after go-live, interview {id:N}.",
    };

    private sealed record Row(Guid Stream, string? User, string? Correlation, string Transaction);

    private async Task<List<Row>> EventRowsAsync(IEnumerable<Guid> streams)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select stream_id, user_name, correlation_id, xmin::text from fieldwork.mt_events where stream_id = any($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = streams.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3)));
        }

        return rows;
    }

    [Fact]
    public async Task interviews_sent_at_once_share_transactions_but_each_keeps_its_own_user_metadata_and_record()
    {
        var s = await SetUp();
        var fieldworker = NewUser("fieldworker");
        await AddMember(s.Evaluation, s.Lead, fieldworker, "fieldworker");
        var sent = Enumerable.Range(0, 40).Select(i => (Id: Guid.NewGuid(), User: i % 2 == 0 ? s.Lead : fieldworker)).ToList();

        var replies = await Task.WhenAll(sent.Select(x => Post($"{s.Url}/interviews", x.User, Interview(s, x.Id))));

        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.Created));
        Assert.Equal(sent.Select(x => x.Id).Order(), replies.Select(r => r.Json["id"]!.GetValue<Guid>()).Order());
        var rows = await EventRowsAsync(sent.Select(x => x.Id));
        Assert.Equal(80, rows.Count);
        // Committed together: fewer transactions than requests (one each without group commit).
        Assert.True(rows.Select(r => r.Transaction).Distinct().Count() < sent.Count,
            $"{rows.Select(r => r.Transaction).Distinct().Count()} transactions for {sent.Count} requests sent at once");
        foreach (var (id, user) in sent)
        {
            var mine = rows.Where(r => r.Stream == id).ToList();
            Assert.All(mine, r => Assert.Equal(user, r.User));
            Assert.Single(mine.Select(r => r.Correlation).Distinct());
            Assert.Single(mine.Select(r => r.Transaction).Distinct());
        }

        // Each request's events carry its own correlation id, not a neighbour's in the batch.
        Assert.Equal(sent.Count, rows.Select(r => r.Correlation).Distinct().Count());

        // The creation records the batch wrote replay each request for its own sender only.
        var (leadId, _) = sent[0];
        var (fieldworkerId, _) = sent[1];
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, leadId))).ShouldBe(HttpStatusCode.Created);
        (await Post($"{s.Url}/interviews", fieldworker, Interview(s, fieldworkerId))).ShouldBe(HttpStatusCode.Created);
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, fieldworkerId))).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal(80, (await EventRowsAsync(sent.Select(x => x.Id))).Count);
    }

    [Fact]
    public async Task a_refused_request_among_them_is_answered_alone_and_the_others_commit()
    {
        var s = await SetUp();
        var good = Enumerable.Range(0, 19).Select(_ => Guid.NewGuid()).ToList();
        var bad = Guid.NewGuid();
        var before = await App.EventCountAsync();

        var requests = good.Select(id => Post($"{s.Url}/interviews", s.Lead, Interview(s, id)))
            .Append(Post($"{s.Url}/interviews", s.Lead, Interview(s, bad, occurredOn: "2019-03-05")));
        var replies = await Task.WhenAll(requests);

        Assert.All(replies[..^1], r => r.ShouldBe(HttpStatusCode.Created));
        replies[^1].ShouldBeProblem(HttpStatusCode.BadRequest, "waveId");
        Assert.Equal(before + 2 * good.Count, await App.EventCountAsync());
        Assert.Empty(await EventRowsAsync([bad]));
    }

    [Fact]
    public async Task a_member_removed_since_the_last_snapshot_is_refused_by_the_write_itself()
    {
        var s = await SetUp();
        var fieldworker = NewUser("fieldworker");
        await AddMember(s.Evaluation, s.Lead, fieldworker, "fieldworker");
        (await Post($"{s.Url}/interviews", fieldworker, Interview(s, Guid.NewGuid()))).ShouldBe(HttpStatusCode.Created);

        // The removal reads the evaluation as it was (with the member) before it commits: the
        // access check of the next interview may go on from that snapshot; the write must not.
        (await Delete($"{s.Url}/members/{fieldworker}", s.Lead)).ShouldBe(HttpStatusCode.NoContent);
        var late = Guid.NewGuid();
        (await Post($"{s.Url}/interviews", fieldworker, Interview(s, late))).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Empty(await EventRowsAsync([late]));

        // The same for a role that may no longer log evidence: 403.
        var analyst = NewUser("analyst");
        await AddMember(s.Evaluation, s.Lead, analyst, "analyst");
        (await Post($"{s.Url}/interviews", analyst, Interview(s, Guid.NewGuid()))).ShouldBe(HttpStatusCode.Created);
        await AddMember(s.Evaluation, s.Lead, analyst, "auditor");
        var refused = Guid.NewGuid();
        (await Post($"{s.Url}/interviews", analyst, Interview(s, refused))).ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.Empty(await EventRowsAsync([refused]));
    }

    [Fact]
    public async Task a_change_made_since_an_earlier_batch_is_respected_by_the_next()
    {
        // The writer decides each batch on what it reads for that batch, never on what an earlier
        // batch read: a consent narrowed or a site withdrawn in between holds for the next request.
        var s = await SetUp();
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, Guid.NewGuid(), "2018-03-05"))).ShouldBe(HttpStatusCode.Created);

        (await Post($"{s.Url}/participants/{s.Participant}/consent", s.Lead, new
        {
            effectiveOn = "2018-04-01",
            takePart = true,
            record = false,
            quote = true,
            archive = true,
            lawfulBasis = "publicTask",
            informationSheetVersion = "v2",
        })).ShouldBe(HttpStatusCode.OK);
        var unrecorded = Guid.NewGuid();
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, unrecorded, "2018-04-02"))).ShouldBeProblem(HttpStatusCode.BadRequest, "transcript");
        Assert.Empty(await EventRowsAsync([unrecorded]));
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, Guid.NewGuid(), "2018-03-30"))).ShouldBe(HttpStatusCode.Created);

        (await Post($"{s.Url}/sites/{s.Site}/withdrawal", s.Lead, new { effectiveOn = "2018-03-20", reason = "Left the programme" }))
            .ShouldBe(HttpStatusCode.OK);
        var late = Guid.NewGuid();
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, late, "2018-03-25"))).ShouldBeProblem(HttpStatusCode.BadRequest, "siteIds[0]");
        Assert.Empty(await EventRowsAsync([late]));
        (await Post($"{s.Url}/interviews", s.Lead, Interview(s, Guid.NewGuid(), "2018-03-19"))).ShouldBe(HttpStatusCode.Created);
    }
}
