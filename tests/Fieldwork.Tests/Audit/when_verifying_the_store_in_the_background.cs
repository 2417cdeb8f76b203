using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Api.Audit;
using Fieldwork.Integrity;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fieldwork.Tests.Audit;

/// <summary>A whole-store verify started over HTTP answers 202 at once and is followed at its status URL.</summary>
public sealed class when_verifying_the_store_in_the_background(AppFixture app) : ApiTest(app)
{
    private async Task<string> LeadWithAnEvaluationAsync()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        await App.Host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        return lead;
    }

    /// <summary>Starts a verification and follows its status URL until it is no longer running.</summary>
    private async Task<JsonNode> RunAsync(string user, string query = "")
    {
        var started = (await Send(HttpMethod.Post, $"/api/audit/verifications{query}", user, null)).ShouldBe(HttpStatusCode.Accepted);
        var location = started.Response.Headers.Location!.ToString();
        Assert.Equal($"/api/audit/verifications/{started.Json["id"]!.GetValue<Guid>()}", location);
        if (App.Host.Services.GetRequiredService<StoreVerifications>().Current is { } running)
        {
            await running.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var job = (await Get(location, user)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.NotEqual("running", job["status"]!.GetValue<string>());
        return job;
    }

    [Fact]
    public async Task it_answers_202_and_its_status_url_gives_the_report()
    {
        var lead = await LeadWithAnEvaluationAsync();
        var job = await RunAsync(lead);
        Assert.Equal("done", job["status"]!.GetValue<string>());
        Assert.Equal(lead, job["startedBy"]!.GetValue<string>());
        Assert.Equal("ok", job["report"]!["status"]!.GetValue<string>());
        Assert.NotNull(job["finishedAt"]);
    }

    [Fact]
    public async Task a_changed_event_shows_in_the_report_at_its_sequence()
    {
        var lead = await LeadWithAnEvaluationAsync();
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using (var change = new NpgsqlCommand("update fieldwork.mt_events set user_name = user_name || '!' where seq_id = (select max(seq_id) from fieldwork.mt_events)", connection))
        {
            await change.ExecuteNonQueryAsync();
        }

        try
        {
            var job = await RunAsync(lead);
            Assert.Equal("broken", job["report"]!["status"]!.GetValue<string>());
        }
        finally
        {
            await using var restore = new NpgsqlCommand(
                "update fieldwork.mt_events set user_name = left(user_name, length(user_name) - 1) where seq_id = (select max(seq_id) from fieldwork.mt_events)", connection);
            await restore.ExecuteNonQueryAsync();
        }

        Assert.Equal("ok", (await RunAsync(lead))["report"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task strangers_and_bad_anchors_start_nothing()
    {
        var lead = await LeadWithAnEvaluationAsync();
        var jobs = await App.DocumentCountAsync<StoreVerification>();
        (await Send(HttpMethod.Post, "/api/audit/verifications", null, null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Post, "/api/audit/verifications", NewUser(), null)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Send(HttpMethod.Post, "/api/audit/verifications?sequence=1", lead, null)).ShouldBeProblem(HttpStatusCode.BadRequest, "head");
        (await Send(HttpMethod.Post, "/api/audit/verifications?sequence=0&head=" + new string('a', 64), lead, null))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "sequence");
        (await Send(HttpMethod.Post, "/api/audit/verifications?sequence=99999999999999&head=" + new string('a', 64), lead, null))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "sequence");
        Assert.Equal(jobs, await App.DocumentCountAsync<StoreVerification>());

        (await Get($"/api/audit/verifications/{Guid.NewGuid()}", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"/api/audit/verifications/{Guid.NewGuid()}", null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await Get($"/api/audit/verifications/{Guid.NewGuid()}", NewUser())).ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.True((int)(await Get("/api/audit/verifications/not-an-id", lead)).Status is >= 400 and < 500);
    }
}
