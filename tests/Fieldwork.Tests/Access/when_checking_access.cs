using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Access;

public sealed class when_checking_access(AppFixture app) : ApiTest(app)
{
    private static readonly object Wave = new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" };

    [Fact]
    public async Task no_token_or_a_bad_token_is_a_401_problem()
    {
        var evaluation = await CreateEvaluation(NewUser("lead"));
        (await Get("/api/evaluations", null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await Get($"/api/evaluations/{evaluation}", null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        var forged = App.TokenFor("lead")[..^4] + "AAAA";
        (await Send(HttpMethod.Get, "/api/evaluations", null, null, rawToken: forged)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Post, $"/api/evaluations/{evaluation}/waves", null, "{", rawToken: "garbage"))
            .ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task a_non_member_gets_404_even_with_a_bad_body_and_cannot_tell_it_exists()
    {
        var evaluation = await CreateEvaluation(NewUser("lead"));
        var stranger = NewUser("stranger");
        var unknown = await Get($"/api/evaluations/{Guid.NewGuid()}", stranger);
        var hidden = await Get($"/api/evaluations/{evaluation}", stranger);
        hidden.ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(unknown.Json["detail"]!.GetValue<string>(), hidden.Json["detail"]!.GetValue<string>());

        (await Post($"/api/evaluations/{evaluation}/waves", stranger, "{ not json")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Post($"/api/evaluations/{evaluation}/members", stranger, new { userId = stranger, role = "lead" }))
            .ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("fieldworker")]
    [InlineData("analyst")]
    [InlineData("auditor")]
    public async Task only_leads_manage_waves_and_members(string role)
    {
        var lead = NewUser("lead");
        var member = NewUser(role);
        var evaluation = await CreateEvaluation(lead);
        await AddMember(evaluation, lead, member, role);
        var before = await App.EventCountAsync();

        (await Get($"/api/evaluations/{evaluation}", member)).ShouldBe(HttpStatusCode.OK);
        (await Post($"/api/evaluations/{evaluation}/waves", member, Wave)).ShouldBeProblem(HttpStatusCode.Forbidden);
        // 403 comes before 400: a wrong role learns nothing about the body.
        (await Post($"/api/evaluations/{evaluation}/waves", member, "{ not json")).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Post($"/api/evaluations/{evaluation}/members", member, new { userId = member, role = "lead" }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get($"/api/evaluations/{evaluation}/members", member)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Delete($"/api/evaluations/{evaluation}/members/{lead}", member)).ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await App.EventCountAsync());
    }

    [Fact]
    public async Task a_403_says_which_roles_may_do_it_and_what_the_caller_is()
    {
        var lead = NewUser("lead");
        var fieldworker = NewUser("fieldworker");
        var auditor = NewUser("auditor");
        var evaluation = await CreateEvaluation(lead);
        await AddMember(evaluation, lead, fieldworker, "fieldworker");
        await AddMember(evaluation, lead, auditor, "auditor");
        var root = $"/api/evaluations/{evaluation}";

        string Detail(Reply reply) => reply.ShouldBeProblem(HttpStatusCode.Forbidden).Json["detail"]!.GetValue<string>();

        Assert.Equal("Only a lead may do this; your role is fieldworker.", Detail(await Post($"{root}/waves", fieldworker, Wave)));
        Assert.Equal("Only a lead or an analyst may do this; your role is fieldworker.",
            Detail(await Post($"{root}/codebook/codes", fieldworker, new { name = "Leadership", definition = "Who leads" })));
        Assert.Equal("Only a lead, a fieldworker or an analyst may do this; your role is auditor.",
            Detail(await Post($"{root}/sites", auditor, "{ not json")));
        Assert.Equal("Only a lead or an auditor may do this; your role is fieldworker.", Detail(await Get($"{root}/audit", fieldworker)));
    }

    [Fact]
    public async Task a_lead_grants_changes_and_revokes_roles()
    {
        var lead = NewUser("lead");
        var colleague = NewUser("colleague");
        var evaluation = await CreateEvaluation(lead);

        var granted = (await Post($"/api/evaluations/{evaluation}/members", lead, new { userId = colleague, role = "fieldworker" }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("fieldworker", granted["role"]!.GetValue<string>());
        Assert.Equal(2, granted["version"]!.GetValue<int>());
        Assert.Equal("fieldworker", (await Get($"/api/evaluations/{evaluation}", colleague)).Json["role"]!.GetValue<string>());

        await AddMember(evaluation, lead, colleague, "analyst");
        Assert.Equal("analyst", (await Get($"/api/evaluations/{evaluation}", colleague)).Json["role"]!.GetValue<string>());

        var members = (await Get($"/api/evaluations/{evaluation}/members", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, members["total"]!.GetValue<int>());

        (await Delete($"/api/evaluations/{evaluation}/members/{colleague}", lead)).ShouldBe(HttpStatusCode.NoContent);
        (await Get($"/api/evaluations/{evaluation}", colleague)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Delete($"/api/evaluations/{evaluation}/members/{colleague}", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_last_lead_can_be_neither_removed_nor_demoted()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var before = await App.EventCountAsync();

        (await Delete($"/api/evaluations/{evaluation}/members/{lead}", lead)).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"/api/evaluations/{evaluation}/members", lead, new { userId = lead, role = "analyst" }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal(before, await App.EventCountAsync());

        var second = NewUser("lead");
        await AddMember(evaluation, lead, second, "lead");
        (await Delete($"/api/evaluations/{evaluation}/members/{lead}", second)).ShouldBe(HttpStatusCode.NoContent);
        (await Delete($"/api/evaluations/{evaluation}/members/{second}", second)).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task a_membership_request_is_validated()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        (await Post($"/api/evaluations/{evaluation}/members", lead, new { userId = "", role = "boss" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "role");
        (await Post($"/api/evaluations/{evaluation}/members", lead, new { userId = "" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "userId", "role");
        (await Post($"/api/evaluations/{evaluation}/members", lead, new { userId = "has space", role = "analyst" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "userId");
    }
}
