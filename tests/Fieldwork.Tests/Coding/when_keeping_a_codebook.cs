using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Coding;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Coding;

public sealed class when_keeping_a_codebook(AppFixture app) : ApiTest(app)
{
    private async Task<Guid> Define(Guid evaluation, string user, string name, Guid? parentId = null, string dimension = "technology")
    {
        var reply = await Post($"/api/evaluations/{evaluation}/codebook/codes", user,
            new { name, parentId, definition = $"Definition of {name}", dimension });
        reply.ShouldBe(HttpStatusCode.Created);
        return reply.Json["id"]!.GetValue<Guid>();
    }

    private static JsonNode Find(JsonNode codebook, Guid id) =>
        Flatten(codebook["codes"]!.AsArray()).Single(c => c["id"]!.GetValue<Guid>() == id);

    private static IEnumerable<JsonNode> Flatten(JsonArray codes) =>
        codes.SelectMany(c => new[] { c! }.Concat(Flatten(c!["children"]!.AsArray())));

    [Fact]
    public async Task codes_form_a_tree_with_names_unique_among_siblings()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var technology = await Define(evaluation, lead, "Technology");
        var usability = await Define(evaluation, lead, "Usability", technology);
        await Define(evaluation, lead, "People", dimension: "people");
        var before = await App.EventCountAsync();

        (await Post($"/api/evaluations/{evaluation}/codebook/codes", lead, new { name = "usability", parentId = technology, definition = "again" }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"/api/evaluations/{evaluation}/codebook/codes", lead, new { name = "Orphan", parentId = Guid.NewGuid(), definition = "x" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "parentId");
        (await Post($"/api/evaluations/{evaluation}/codebook/codes", lead, new { name = "" })).ShouldBeProblem(HttpStatusCode.BadRequest, "name", "definition");
        Assert.Equal(before, await App.EventCountAsync());
        await Define(evaluation, lead, "Usability"); // the same name elsewhere in the tree is fine

        var codebook = (await Get($"/api/evaluations/{evaluation}/codebook", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(["People", "Technology", "Usability"], codebook["codes"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(usability, Find(codebook, technology)["children"]![0]!["id"]!.GetValue<Guid>());
        (await Get($"/api/evaluations/{evaluation}/codebook/codes/{usability}", lead)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task revisions_need_the_current_version_and_replays_show_the_definition_as_it_stood()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var code = await Define(evaluation, lead, "Workarounds");
        var url = $"/api/evaluations/{evaluation}/codebook/codes/{code}";
        var revised = (await Post($"{url}/revisions", lead, new { expectedVersion = 1, definition = "Informal practices that bypass the system" }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, revised["version"]!.GetValue<int>());
        (await Post($"{url}/revisions", lead, new { expectedVersion = 1, name = "Stale" })).ShouldBeProblem(HttpStatusCode.Conflict);

        var defined = await App.EventsOfStreamAsync(Codebook.StreamId(evaluation));
        var then = Uri.EscapeDataString(defined[0].Timestamp.ToString("O"));
        var old = Find((await Get($"/api/evaluations/{evaluation}/codebook?knownAt={then}", lead)).Json, code);
        Assert.Equal("Definition of Workarounds", old["definition"]!.GetValue<string>());
        Assert.Equal(1, old["version"]!.GetValue<int>());
        Assert.Equal("Informal practices that bypass the system",
            Find((await Get($"/api/evaluations/{evaluation}/codebook", lead)).Json, code)["definition"]!.GetValue<string>());
    }

    [Fact]
    public async Task no_cycles_and_merged_or_retired_codes_take_no_changes()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var parent = await Define(evaluation, lead, "Organisation");
        var child = await Define(evaluation, lead, "Leadership", parent);
        var other = await Define(evaluation, lead, "Governance");
        var codes = $"/api/evaluations/{evaluation}/codebook/codes";

        (await Post($"{codes}/{parent}/revisions", lead, new { expectedVersion = 1, parentId = child })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{codes}/{parent}/merge", lead, new { intoCodeId = child })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{codes}/{parent}/merge", lead, new { intoCodeId = parent })).ShouldBeProblem(HttpStatusCode.BadRequest, "intoCodeId");
        (await Post($"{codes}/{parent}/retirement", lead, new { reason = "Unused" })).ShouldBeProblem(HttpStatusCode.Conflict);

        var merged = (await Post($"{codes}/{parent}/merge", lead, new { intoCodeId = other })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("merged", merged["status"]!.GetValue<string>());
        Assert.Equal(other, merged["mergedInto"]!.GetValue<Guid>());
        var codebook = (await Get($"/api/evaluations/{evaluation}/codebook", lead)).Json;
        Assert.Equal(other, Find(codebook, child)["parentId"]!.GetValue<Guid>());
        (await Post($"{codes}/{parent}/revisions", lead, new { expectedVersion = 2, name = "x" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{codes}", lead, new { name = "Under merged", parentId = parent, definition = "x" })).ShouldBeProblem(HttpStatusCode.BadRequest, "parentId");

        (await Post($"{codes}/{child}/retirement", lead, new { reason = "Folded into governance" })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{codes}/{child}/retirement", lead, new { reason = "again" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{codes}/{Guid.NewGuid()}/retirement", lead, new { reason = "x" })).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task sibling_names_stay_unique_when_analysts_race()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Post($"/api/evaluations/{evaluation}/codebook/codes", lead, new { name = "Benefits", definition = "Realised benefits" })));
        Assert.Single(replies, r => r.Status == HttpStatusCode.Created);
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.Created), r => r.ShouldBeProblem(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task fieldworkers_and_auditors_read_the_codebook_but_cannot_change_it()
    {
        var lead = NewUser("lead");
        var fieldworker = NewUser("fieldworker");
        var evaluation = await CreateEvaluation(lead);
        await AddMember(evaluation, lead, fieldworker, "fieldworker");
        (await Post($"/api/evaluations/{evaluation}/codebook/codes", fieldworker, new { name = "X", definition = "Y" }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get($"/api/evaluations/{evaluation}/codebook", fieldworker)).ShouldBe(HttpStatusCode.OK);
    }
}
