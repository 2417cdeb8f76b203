using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Evaluations;

/// <summary>Whatever a client sends, it gets a 4xx problem naming what is wrong, and nothing is written.</summary>
public sealed class when_the_body_is_bad(AppFixture app) : ApiTest(app)
{
    [Theory]
    [InlineData("{ \"name\": \"x\", ", "body")]
    [InlineData("not json at all", "body")]
    [InlineData("", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("null", "body")]
    [InlineData("{ \"name\": \"x\", \"startsOn\": 5 }", "startsOn")]
    [InlineData("{ \"name\": \"x\", \"startsOn\": \"2019-02-30\" }", "startsOn")]
    [InlineData("{ \"name\": \"x\", \"startsOn\": \"next tuesday\" }", "startsOn")]
    [InlineData("{ \"name\": [\"x\"], \"startsOn\": \"2019-01-01\" }", "name")]
    [InlineData("{ \"id\": \"not-a-guid\", \"name\": \"x\", \"startsOn\": \"2019-01-01\" }", "id")]
    [InlineData("{ \"name\": \"x\", \"startsOn\": \"2019-01-01\", \"owner\": \"me\" }", "owner")]
    public async Task an_unreadable_evaluation_is_a_400_with_an_error_for_the_field(string body, string field)
    {
        var before = await App.EventCountAsync();
        var reply = await Post("/api/evaluations", NewUser(), body);
        reply.ShouldBeProblem(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Theory]
    [InlineData("{ \"userId\": \"someone\", \"role\": \"boss\" }", "role")]
    [InlineData("{ \"userId\": \"someone\", \"role\": 1 }", "role")]
    [InlineData("{ \"userId\": 42, \"role\": \"lead\" }", "userId")]
    public async Task an_unknown_enum_value_or_wrong_type_is_a_400(string body, string field)
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var before = await App.EventCountAsync();
        (await Post($"/api/evaluations/{evaluation}/members", lead, body)).ShouldBeProblem(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Fact]
    public async Task an_all_zero_id_is_refused()
    {
        (await Post("/api/evaluations", NewUser(), new { id = Guid.Empty, name = "x", startsOn = "2019-01-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "id");
    }

    [Fact]
    public async Task a_byte_order_mark_before_the_json_is_refused_not_skipped()
    {
        var before = await App.TableCountsAsync();
        // StringContent writes the string as UTF-8 without adding a mark: this one is the client's.
        var reply = await Post("/api/evaluations", NewUser(), "\uFEFF{ \"name\": \"x\", \"startsOn\": \"2019-01-01\" }");
        reply.ShouldBeProblem(HttpStatusCode.BadRequest, "body");
        Assert.Contains("byte order mark", reply.Json["errors"]!["body"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await App.TableCountsAsync());

        // The bytes read ahead to look for a mark are still read as the body, however short it is.
        (await Post("/api/evaluations", NewUser(), "{}")).ShouldBeProblem(HttpStatusCode.BadRequest, "name", "startsOn");
        (await Post("/api/evaluations", NewUser(), "{ \"name\": \"Marks\", \"startsOn\": \"2019-01-01\" }")).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_415_problem()
    {
        var reply = await Send(HttpMethod.Post, "/api/evaluations", NewUser(), "name=x", "application/x-www-form-urlencoded");
        reply.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task a_very_long_name_is_a_400()
    {
        var reply = await Post("/api/evaluations", NewUser(), new { name = new string('x', 5000), startsOn = "2019-01-01" });
        reply.ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        // One message, with the field's own maximum: the character policy's default (2,000) does not add a second.
        var message = Assert.Single(reply.Json["errors"]!["name"]!.AsArray())!.GetValue<string>();
        Assert.Contains("200 characters", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_body_over_the_limit_is_a_413_problem_and_writes_nothing()
    {
        var before = await App.EventCountAsync();
        var huge = $$"""{ "name": "{{new string('x', 17 * 1024 * 1024)}}", "startsOn": "2019-01-01" }""";
        (await Post("/api/evaluations", NewUser(), huge)).ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await App.EventCountAsync());
    }
}
