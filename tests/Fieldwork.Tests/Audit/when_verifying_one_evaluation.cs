using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Integrity;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fieldwork.Tests.Audit;

/// <summary>
/// Each evaluation's own chain: verify reads one evaluation's events and links, pinpoints what was
/// changed, deleted or recomputed in it (and nothing of another's), and starts after the last
/// checkpoint it signed. Every test puts the store back as it was.
/// </summary>
public sealed class when_verifying_one_evaluation(AppFixture app) : ApiTest(app)
{
    private const string Events = "fieldwork.mt_events";
    private const string Links = "fieldwork." + EvaluationChain.Table;

    private async Task WaitForTheChainAsync() =>
        await App.Host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

    /// <summary>An evaluation with a site and an observation, chained; its lead.</summary>
    private async Task<(string Lead, Guid Evaluation, Guid Observation)> SetUp()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var observation = (await Post($"/api/evaluations/{evaluation}/observations", lead, new
        {
            occurredOn = "2018-03-05",
            siteIds = new[] { site },
            setting = "meeting",
            durationMinutes = 45,
            fieldNotes = "Board meeting notes.",
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        await WaitForTheChainAsync();
        return (lead, evaluation, observation);
    }

    private async Task<JsonNode> VerifyAsync(Guid evaluation, string user, string query = "") =>
        (await Get($"/api/evaluations/{evaluation}/audit/verify{query}", user)).ShouldBe(HttpStatusCode.OK).Json;

    private async Task<long> ScalarAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<long> EventsOfAsync(Guid evaluation) =>
        await ScalarAsync($"select count(*) from {Events} where data->>'evaluationId' = $1", evaluation.ToString());

    [Fact]
    public async Task it_checks_every_event_of_the_evaluation_and_none_of_another()
    {
        var (lead, evaluation, _) = await SetUp();
        var (otherLead, other, otherObservation) = await SetUp();
        var count = await EventsOfAsync(evaluation);

        var report = await VerifyAsync(evaluation, lead, "?full=true");
        Assert.Equal("ok", report["status"]!.GetValue<string>());
        Assert.Equal(count, report["checked"]!.GetValue<long>());
        Assert.Equal(count, report["headPosition"]!.GetValue<long>());
        Assert.Equal(0, report["verifiedFrom"]!.GetValue<long>());
        Assert.Equal(64, report["head"]!.GetValue<string>().Length);

        // A change to the other evaluation's observation breaks its chain, at that event, and not this one's.
        var target = (await App.EventsOfStreamAsync(otherObservation))[0].Sequence;
        var original = await TextAsync($"select data::text from {Events} where seq_id = {target}");
        try
        {
            await ScalarAsync($"update {Events} set data = jsonb_set(data, '{{durationMinutes}}', '450') where seq_id = {target}");
            Assert.Equal("ok", (await VerifyAsync(evaluation, lead, "?full=true"))["status"]!.GetValue<string>());
            var broken = await VerifyAsync(other, otherLead, "?full=true");
            Assert.Equal("broken", broken["status"]!.GetValue<string>());
            Assert.Equal(target, broken["firstBrokenSequence"]!.GetValue<long>());
            Assert.Null(broken["checkpoint"]);
        }
        finally
        {
            await ScalarAsync($"update {Events} set data = $1::jsonb where seq_id = {target}", original);
        }

        Assert.Equal("ok", (await VerifyAsync(other, otherLead, "?full=true"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_deleted_event_breaks_the_chain_at_its_sequence()
    {
        var (lead, evaluation, observation) = await SetUp();
        var target = (await App.EventsOfStreamAsync(observation))[0].Sequence;
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        async Task Run(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        await Run($"create temp table kept as select * from {Events} where seq_id = {target}");
        await Run($"delete from {Events} where seq_id = {target}");
        try
        {
            var report = await VerifyAsync(evaluation, lead, "?full=true");
            Assert.Equal("broken", report["status"]!.GetValue<string>());
            Assert.Equal(target, report["firstBrokenSequence"]!.GetValue<long>());
        }
        finally
        {
            await Run($"insert into {Events} select * from kept");
        }

        Assert.Equal("ok", (await VerifyAsync(evaluation, lead, "?full=true"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_later_verify_starts_after_the_last_checkpoint_and_catches_recomputed_links()
    {
        var (lead, evaluation, _) = await SetUp();
        var first = await VerifyAsync(evaluation, lead);
        var position = first["headPosition"]!.GetValue<long>();
        var checkpoint = first["checkpoint"]!;
        Assert.Equal(position, checkpoint["position"]!.GetValue<long>());
        Assert.Equal(first["head"]!.GetValue<string>(), checkpoint["head"]!.GetValue<string>());
        Assert.StartsWith($"fieldwork-evaluation-checkpoint/1\nevaluation={evaluation} position={position} ", checkpoint["message"]!.GetValue<string>());

        await EnrolSite(evaluation, lead, "GDE2", "follower", "2017-01-01");
        await WaitForTheChainAsync();
        var next = await VerifyAsync(evaluation, lead);
        Assert.Equal("ok", next["status"]!.GetValue<string>());
        Assert.Equal(position, next["verifiedFrom"]!.GetValue<long>());
        Assert.Equal(next["headPosition"]!.GetValue<long>() - position, next["checked"]!.GetValue<long>());

        // Links rewritten at the checkpoint's position no longer pass through its signed head.
        var head = next["headPosition"]!.GetValue<long>();
        var stored = await TextAsync($"select encode(hash, 'hex') from {Links} where evaluation_id = '{evaluation}' and position = {head}");
        try
        {
            await ScalarAsync($"update {Links} set hash = decode(repeat('ab', 32), 'hex') where evaluation_id = $1 and position = {head}",
                evaluation.ToString());
            var broken = await VerifyAsync(evaluation, lead);
            Assert.Equal("broken", broken["status"]!.GetValue<string>());
            Assert.False(broken["anchorOk"]!.GetValue<bool>());
            Assert.Equal("recomputed", broken["anchorBreak"]!.GetValue<string>());
            Assert.Equal(head, broken["anchorBrokenPosition"]!.GetValue<long>());
        }
        finally
        {
            await ScalarAsync($"update {Links} set hash = decode($2, 'hex') where evaluation_id = $1 and position = {head}", evaluation.ToString(), stored);
        }

        Assert.Equal("ok", (await VerifyAsync(evaluation, lead))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_anchor_holds_until_the_events_before_it_change()
    {
        var (lead, evaluation, observation) = await SetUp();
        var report = await VerifyAsync(evaluation, lead, "?full=true");
        var (position, head) = (report["headPosition"]!.GetValue<long>(), report["head"]!.GetValue<string>());
        Assert.True((await VerifyAsync(evaluation, lead, $"?position={position}&head={head}"))["anchorOk"]!.GetValue<bool>());

        var wrong = await VerifyAsync(evaluation, lead, $"?position={position}&head={new string('0', 64)}");
        Assert.Equal("broken", wrong["status"]!.GetValue<string>());
        Assert.Equal("recomputed", wrong["anchorBreak"]!.GetValue<string>());

        var beyond = await VerifyAsync(evaluation, lead, $"?position={position + 5}&head={head}");
        Assert.Equal("cut", beyond["anchorBreak"]!.GetValue<string>());
        Assert.Equal(position + 1, beyond["anchorBrokenPosition"]!.GetValue<long>());

        var target = (await App.EventsOfStreamAsync(observation))[0].Sequence;
        var original = await TextAsync($"select data::text from {Events} where seq_id = {target}");
        try
        {
            await ScalarAsync($"update {Events} set data = jsonb_set(data, '{{durationMinutes}}', '450') where seq_id = {target}");
            var rewritten = await VerifyAsync(evaluation, lead, $"?position={position}&head={head}");
            Assert.False(rewritten["anchorOk"]!.GetValue<bool>());
            Assert.Equal("rewritten", rewritten["anchorBreak"]!.GetValue<string>());
            Assert.Equal(target, rewritten["firstBrokenSequence"]!.GetValue<long>());
        }
        finally
        {
            await ScalarAsync($"update {Events} set data = $1::jsonb where seq_id = {target}", original);
        }
    }

    [Fact]
    public async Task strangers_and_bad_anchors_are_refused_and_store_no_checkpoint()
    {
        var (lead, evaluation, _) = await SetUp();
        var url = $"/api/evaluations/{evaluation}/audit/verify";
        var fieldworker = NewUser("fieldworker");
        var analyst = NewUser("analyst");
        var auditor = NewUser("auditor");
        await AddMember(evaluation, lead, fieldworker, "fieldworker");
        await AddMember(evaluation, lead, analyst, "analyst");
        await AddMember(evaluation, lead, auditor, "auditor");
        var otherLead = NewUser("lead");
        await CreateEvaluation(otherLead);

        (await Get(url, null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await Get(url, otherLead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"/api/evaluations/{Guid.NewGuid()}/audit/verify", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get(url, fieldworker)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get(url, analyst)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get($"{url}?position=1", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "head");
        (await Get($"{url}?head={new string('a', 64)}", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "position");
        (await Get($"{url}?position=0&head={new string('a', 64)}", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "position");
        (await Get($"{url}?position=abc&head={new string('a', 64)}", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "position");
        (await Get($"{url}?position=1&head=xyz", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "head");
        (await Get($"{url}?full=maybe", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "full");
        Assert.Equal(0, await ScalarAsync($"select count(*) from fieldwork.{EvaluationChain.CheckpointTable} where evaluation_id = $1",
            evaluation.ToString()));

        await WaitForTheChainAsync();
        Assert.Equal("ok", (await VerifyAsync(evaluation, auditor))["status"]!.GetValue<string>());
        Assert.Equal(1, await ScalarAsync($"select count(*) from fieldwork.{EvaluationChain.CheckpointTable} where evaluation_id = $1",
            evaluation.ToString()));
    }

    private async Task<string> TextAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
