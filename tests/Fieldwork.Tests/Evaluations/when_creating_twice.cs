using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Fieldwork.Idempotency;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Evaluations;

public sealed class when_creating_twice(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task the_same_request_with_the_same_id_answers_the_same_and_writes_once()
    {
        var lead = NewUser("lead");
        var id = Guid.NewGuid();
        var body = new { id, name = "Retried", startsOn = "2018-01-01" };
        var first = (await Post("/api/evaluations", lead, body)).ShouldBe(HttpStatusCode.Created);
        var events = await App.EventCountAsync();

        var second = (await Post("/api/evaluations", lead, body)).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Response.Headers.Location, second.Response.Headers.Location);
        Assert.Equal(events, await App.EventCountAsync());

        // Whitespace and field order are not a different request.
        var reordered = $$"""{ "startsOn": "2018-01-01",   "name": "Retried", "id": "{{id}}" }""";
        (await Post("/api/evaluations", lead, reordered)).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(events, await App.EventCountAsync());
    }

    [Fact]
    public async Task the_same_request_from_another_user_is_a_409_that_does_not_say_where_the_item_is()
    {
        var lead = NewUser("lead");
        var id = Guid.NewGuid();
        var body = new { id, name = "Somebody else's", startsOn = "2018-01-01" };
        (await Post("/api/evaluations", lead, body)).ShouldBe(HttpStatusCode.Created);
        var events = await App.EventCountAsync();

        var copy = (await Post("/api/evaluations", NewUser("stranger"), body)).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Null(copy.Response.Headers.Location);
        Assert.Equal(events, await App.EventCountAsync());
    }

    [Fact]
    public async Task the_same_id_with_another_body_is_a_409_and_writes_nothing()
    {
        var lead = NewUser("lead");
        var id = Guid.NewGuid();
        (await Post("/api/evaluations", lead, new { id, name = "First", startsOn = "2018-01-01" })).ShouldBe(HttpStatusCode.Created);
        var events = await App.EventCountAsync();

        (await Post("/api/evaluations", lead, new { id, name = "Second", startsOn = "2018-01-01" })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal(events, await App.EventCountAsync());
        Assert.Equal("First", (await Get($"/api/evaluations/{id}", lead)).Json["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task concurrent_copies_of_one_request_create_one_item()
    {
        var lead = NewUser("lead");
        var id = Guid.NewGuid();
        var body = new { id, name = "Sent from a poor connection", startsOn = "2018-01-01" };
        var events = await App.EventCountAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Post("/api/evaluations", lead, body)));

        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.Created));
        Assert.Single(replies.Select(r => r.Body).Distinct());
        Assert.Equal(events + 1, await App.EventCountAsync());
        Assert.Equal(1, (await Get("/api/evaluations", lead)).Json["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task concurrent_copies_of_one_wave_create_one_wave()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var body = new { id = Guid.NewGuid(), name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" };

        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Post($"/api/evaluations/{evaluation}/waves", lead, body)));

        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.Created));
        Assert.Single((await Get($"/api/evaluations/{evaluation}", lead)).Json["waves"]!.AsArray());
        (await Post($"/api/evaluations/{evaluation}/waves", lead, body)).ShouldBe(HttpStatusCode.Created);
        (await Post($"/api/evaluations/{evaluation}/waves", lead, body with { name = "Renamed" })).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task different_waves_sent_together_are_all_kept()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var years = new[] { 2017, 2018, 2019, 2020 };

        var replies = await Task.WhenAll(years.Select(y =>
            Post($"/api/evaluations/{evaluation}/waves", lead, new { name = $"Wave {y}", startsOn = $"{y}-01-01", endsOn = $"{y}-12-31" })));

        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.Created));
        Assert.Equal(4, (await Get($"/api/evaluations/{evaluation}", lead)).Json["waves"]!.AsArray().Count);
    }

    [Fact]
    public async Task the_idempotency_record_keeps_a_hash_not_the_body()
    {
        var lead = NewUser("lead");
        var id = Guid.NewGuid();
        const string secret = "A description that must not be copied";
        (await Post("/api/evaluations", lead, new { id, name = "Hashed", startsOn = "2018-01-01", description = secret }))
            .ShouldBe(HttpStatusCode.Created);

        await using var session = App.Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var json = await session.Json.FindByIdAsync<CreationRecord>(id);
        Assert.NotNull(json);
        Assert.DoesNotContain(secret, json);
        Assert.DoesNotContain("Hashed", json);
    }
}
