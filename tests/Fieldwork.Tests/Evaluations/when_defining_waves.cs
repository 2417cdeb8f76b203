using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Evaluations;

public sealed class when_defining_waves(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task a_wave_is_created_and_shows_in_the_evaluation()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var created = (await Post($"/api/evaluations/{evaluation}/waves", lead,
            new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" })).ShouldBe(HttpStatusCode.Created);
        var waveId = created.Json["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/evaluations/{evaluation}/waves/{waveId}", created.Response.Headers.Location!.OriginalString);

        var read = (await Get($"/api/evaluations/{evaluation}", lead)).ShouldBe(HttpStatusCode.OK).Json;
        var wave = Assert.Single(read["waves"]!.AsArray())!;
        Assert.Equal(waveId, wave["id"]!.GetValue<Guid>());
        Assert.Equal("Wave 1", wave["name"]!.GetValue<string>());
        Assert.Equal(2, read["version"]!.GetValue<int>());

        (await Get($"/api/evaluations/{evaluation}/waves/{waveId}", lead)).ShouldBe(HttpStatusCode.OK);
        (await Get($"/api/evaluations/{evaluation}/waves/{Guid.NewGuid()}", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(1, (await Get($"/api/evaluations/{evaluation}/waves", lead)).Json["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task overlapping_waves_are_a_409_and_write_nothing()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        (await Post($"/api/evaluations/{evaluation}/waves", lead,
            new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" })).ShouldBe(HttpStatusCode.Created);
        var before = await App.EventCountAsync();

        var clash = await Post($"/api/evaluations/{evaluation}/waves", lead,
            new { name = "Wave 2", startsOn = "2018-12-31", endsOn = "2019-12-31" });
        clash.ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("Wave 1", clash.Json["detail"]!.GetValue<string>());
        Assert.Equal(before, await App.EventCountAsync());

        (await Post($"/api/evaluations/{evaluation}/waves", lead,
            new { name = "Wave 2", startsOn = "2019-01-01", endsOn = "2019-12-31" })).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_wave_ending_before_it_starts_or_outside_the_evaluation_is_a_400()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var before = await App.EventCountAsync();

        (await Post($"/api/evaluations/{evaluation}/waves", lead,
            new { name = "Backwards", startsOn = "2019-01-01", endsOn = "2018-12-31" })).ShouldBeProblem(HttpStatusCode.BadRequest, "endsOn");
        (await Post($"/api/evaluations/{evaluation}/waves", lead,
            new { name = "Too early", startsOn = "2015-01-01", endsOn = "2016-12-31" })).ShouldBeProblem(HttpStatusCode.BadRequest, "startsOn");
        (await Post($"/api/evaluations/{evaluation}/waves", lead,
            new { name = "Too late", startsOn = "2021-01-01", endsOn = "2022-12-31" })).ShouldBeProblem(HttpStatusCode.BadRequest, "endsOn");
        (await Post($"/api/evaluations/{evaluation}/waves", lead, new { startsOn = "2019-01-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name", "endsOn");

        Assert.Equal(before, await App.EventCountAsync());
    }
}
