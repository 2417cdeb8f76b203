using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Api.Verbs;
using Fieldwork.Evidence;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fieldwork.Tests.Audit;

public sealed class when_auditing_the_log(AppFixture app) : ApiTest(app)
{
    private async Task<JsonNode> VerifyAsync(string user)
    {
        await App.Host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        return (await Get("/api/audit/verify", user)).ShouldBe(HttpStatusCode.OK).Json;
    }

    private async Task<(string Lead, Guid Evaluation, Guid Site, Guid Observation)> SetUp()
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
        return (lead, evaluation, site, observation);
    }

    [Fact]
    public async Task the_audit_log_lists_who_recorded_what_and_when_with_filters()
    {
        var (lead, evaluation, site, observation) = await SetUp();
        var auditor = NewUser("auditor");
        var analyst = NewUser("analyst");
        await AddMember(evaluation, lead, auditor, "auditor");
        await AddMember(evaluation, lead, analyst, "analyst");
        var url = $"/api/evaluations/{evaluation}/audit";

        var all = (await Get(url, auditor)).ShouldBe(HttpStatusCode.OK).Json;
        var items = all["items"]!.AsArray();
        Assert.Equal(all["total"]!.GetValue<int>(), items.Count);
        var sequences = items.Select(i => i!["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        var logged = items.First(i => i!["streamId"]!.GetValue<Guid>() == observation)!;
        Assert.Equal("observation_logged", logged["type"]!.GetValue<string>());
        Assert.Equal(lead, logged["userId"]!.GetValue<string>());
        Assert.Equal("2018-03-05", logged["occurredOn"]!.GetValue<string>());
        Assert.StartsWith("POST /api/evaluations/", logged["causationId"]!.GetValue<string>());
        Assert.Contains(items, i => i!["streamId"]!.GetValue<Guid>() == site && i["occurredOn"]!.GetValue<string>() == "2016-09-01");

        Assert.Equal(2, (await Get($"{url}?streamId={observation}", auditor)).Json["total"]!.GetValue<int>());
        Assert.Equal(0, (await Get($"{url}?userId={auditor}", auditor)).Json["total"]!.GetValue<int>());
        Assert.Equal(0, (await Get($"{url}?to=2001-01-01", auditor)).Json["total"]!.GetValue<int>());
        Assert.Equal(all["total"]!.GetValue<int>(), (await Get($"{url}?from=2001-01-01&limit=2", auditor)).Json["total"]!.GetValue<int>());
        (await Get($"{url}?from=someday&limit=0", auditor)).ShouldBeProblem(HttpStatusCode.BadRequest, "from", "limit");
        // An empty window the wrong way round is a mistake, not an answer of nothing.
        (await Get($"{url}?from=2020-01-01&to=2019-01-01", auditor)).ShouldBeProblem(HttpStatusCode.BadRequest, "to");
        (await Get(url, analyst)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get(url, NewUser("stranger"))).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task verify_holds_on_an_untouched_store_and_pinpoints_an_edited_event()
    {
        var (lead, evaluation, _, observation) = await SetUp();
        var analyst = NewUser("analyst");
        await AddMember(evaluation, lead, analyst, "analyst");
        (await Get("/api/audit/verify", analyst)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get("/api/audit/verify", NewUser("stranger"))).ShouldBeProblem(HttpStatusCode.Forbidden);

        var untouched = await VerifyAsync(lead);
        Assert.True(untouched["ok"]!.GetValue<bool>(), untouched.ToJsonString());
        Assert.Equal("ok", untouched["status"]!.GetValue<string>());
        Assert.Equal(0, untouched["pending"]!.GetValue<long>());
        Assert.Null(untouched["anchorOk"]);
        Assert.True(untouched["checked"]!.GetValue<long>() > 0);
        Assert.Matches("^[0-9a-f]{64}$", untouched["head"]!.GetValue<string>());
        Assert.Null(untouched["firstBrokenSequence"]);

        var target = (await App.EventsOfStreamAsync(observation))[0].Sequence;
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        string original;
        await using (var read = new NpgsqlCommand($"select data::text from fieldwork.mt_events where seq_id = {target}", connection))
        {
            original = (string)(await read.ExecuteScalarAsync())!;
        }

        try
        {
            await using (var tamper = new NpgsqlCommand(
                $"update fieldwork.mt_events set data = jsonb_set(data, '{{durationMinutes}}', '450') where seq_id = {target}", connection))
            {
                Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
            }

            var broken = (await Get("/api/audit/verify", lead)).ShouldBe(HttpStatusCode.OK).Json;
            Assert.False(broken["ok"]!.GetValue<bool>());
            Assert.Equal("broken", broken["status"]!.GetValue<string>());
            Assert.Equal(target, broken["firstBrokenSequence"]!.GetValue<long>());

            var output = new StringWriter();
            Assert.Equal(1, await VerifyVerb.RunAsync(["verify"], output, TextWriter.Null));
            Assert.Equal(target, JsonNode.Parse(output.ToString())!["firstBrokenSequence"]!.GetValue<long>());
        }
        finally
        {
            await using var restore = new NpgsqlCommand($"update fieldwork.mt_events set data = $1::jsonb where seq_id = {target}", connection);
            restore.Parameters.Add(new NpgsqlParameter { Value = original });
            await restore.ExecuteNonQueryAsync();
        }

        Assert.True((await VerifyAsync(lead))["ok"]!.GetValue<bool>());
        await App.Host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        var verb = new StringWriter();
        Assert.Equal(0, await VerifyVerb.RunAsync(["verify"], verb, TextWriter.Null));
        Assert.True(JsonNode.Parse(verb.ToString())!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task erasing_a_text_key_does_not_break_the_chain()
    {
        var (lead, _, _, observation) = await SetUp();
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Store(new TextKey { Id = observation, Key = new byte[32] });
            await session.SaveChangesAsync();
            session.Delete<TextKey>(observation);
            await session.SaveChangesAsync();
        }

        Assert.True((await VerifyAsync(lead))["ok"]!.GetValue<bool>());
    }
}
