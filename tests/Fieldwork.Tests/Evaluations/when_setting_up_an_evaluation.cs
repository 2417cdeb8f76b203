using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Evaluations;

public sealed class when_setting_up_an_evaluation(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task the_creator_becomes_its_lead_and_reads_it_back()
    {
        var lead = NewUser("lead");
        var created = (await Post("/api/evaluations", lead,
            new { name = "GDE evaluation", startsOn = "2016-09-01", endsOn = "2021-09-30", description = "synthetic" }))
            .ShouldBe(HttpStatusCode.Created);
        var id = created.Json["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/evaluations/{id}", created.Response.Headers.Location!.OriginalString);

        var read = (await Get($"/api/evaluations/{id}", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("GDE evaluation", read["name"]!.GetValue<string>());
        Assert.Equal("2016-09-01", read["startsOn"]!.GetValue<string>());
        Assert.Equal("2021-09-30", read["endsOn"]!.GetValue<string>());
        Assert.Equal("synthetic", read["description"]!.GetValue<string>());
        Assert.Equal("lead", read["role"]!.GetValue<string>());
        Assert.Equal(1, read["version"]!.GetValue<int>());
        Assert.Empty(read["waves"]!.AsArray());
    }

    [Fact]
    public async Task the_list_holds_only_the_evaluations_the_caller_belongs_to()
    {
        var lead = NewUser("lead");
        var analyst = NewUser("analyst");
        var first = await CreateEvaluation(lead, "B study");
        var second = await CreateEvaluation(lead, "A study");
        await CreateEvaluation(NewUser("other"), "Someone else's");
        await AddMember(first, lead, analyst, "analyst");

        var leads = (await Get("/api/evaluations", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, leads["total"]!.GetValue<int>());
        Assert.Equal([second, first], leads["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()));

        var analysts = (await Get("/api/evaluations", analyst)).ShouldBe(HttpStatusCode.OK).Json;
        var only = Assert.Single(analysts["items"]!.AsArray());
        Assert.Equal(first, only!["id"]!.GetValue<Guid>());
        Assert.Equal("analyst", only["role"]!.GetValue<string>());

        var paged = (await Get("/api/evaluations?offset=1&limit=1", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, paged["total"]!.GetValue<int>());
        Assert.Equal(first, Assert.Single(paged["items"]!.AsArray())!["id"]!.GetValue<Guid>());
    }

    [Theory]
    [InlineData("offset=-1", "offset")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=abc", null)]
    public async Task bad_paging_is_a_400(string query, string? field)
    {
        var reply = await Get($"/api/evaluations?{query}", NewUser());
        reply.ShouldBeProblem(HttpStatusCode.BadRequest, field is null ? [] : [field]);
    }

    [Fact]
    public async Task an_invalid_evaluation_lists_every_failing_field_and_writes_nothing()
    {
        var before = await App.EventCountAsync();
        var reply = await Post("/api/evaluations", NewUser(), new { name = "", startsOn = "2020-01-01", endsOn = "2019-01-01" });
        reply.ShouldBeProblem(HttpStatusCode.BadRequest, "name", "endsOn");
        Assert.Equal(before, await App.EventCountAsync());

        (await Post("/api/evaluations", NewUser(), new { name = "No dates" })).ShouldBeProblem(HttpStatusCode.BadRequest, "startsOn");
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Fact]
    public async Task an_unknown_evaluation_is_a_404_problem()
    {
        (await Get($"/api/evaluations/{Guid.NewGuid()}", NewUser())).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get("/api/evaluations/not-a-guid", NewUser())).ShouldBeProblem(HttpStatusCode.NotFound);
    }
}
