using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fieldwork.Tests.Infrastructure;

/// <summary>What a test got back: status, headers and the JSON body.</summary>
public sealed record Reply(HttpStatusCode Status, HttpResponseMessage Response, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("empty body");

    public string? ContentType => Response.Content.Headers.ContentType?.MediaType;

    public Reply ShouldBe(HttpStatusCode expected)
    {
        Assert.True(Status == expected, $"expected {(int)expected} {expected}, got {(int)Status} {Status}: {Body}");
        return this;
    }

    /// <summary>An RFC 9457 problem with this status and, for 400s, an error for each named field.</summary>
    public Reply ShouldBeProblem(HttpStatusCode expected, params string[] fields)
    {
        ShouldBe(expected);
        Assert.Equal("application/problem+json", ContentType);
        Assert.Equal((int)expected, Json["status"]!.GetValue<int>());
        foreach (var field in fields)
        {
            Assert.True(Json["errors"]?[field] is JsonArray { Count: > 0 }, $"expected an error for '{field}': {Body}");
        }

        return this;
    }
}

/// <summary>Base of the API tests: requests as a named user, with raw bodies so ugly input can be sent.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(AppFixture app)
{
    protected AppFixture App { get; } = app;

    /// <summary>A user name no other test uses.</summary>
    protected static string NewUser(string role = "user") => $"{role}-{Guid.NewGuid():N}";

    protected Task<Reply> Get(string url, string? user) => Send(HttpMethod.Get, url, user, null);

    protected Task<Reply> Post(string url, string? user, object body) =>
        Send(HttpMethod.Post, url, user, body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    protected Task<Reply> Delete(string url, string? user) => Send(HttpMethod.Delete, url, user, null);

    protected async Task<Reply> Send(HttpMethod method, string url, string? user, string? body,
        string contentType = "application/json", string? rawToken = null)
    {
        using var client = App.Client();
        using var request = new HttpRequestMessage(method, url);
        var token = rawToken ?? (user is null ? null : App.TokenFor(user));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        var response = await client.SendAsync(request);
        return new Reply(response.StatusCode, response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An evaluation of 2016-09-01 to 2021-09-30 led by <paramref name="lead"/>.</summary>
    protected async Task<Guid> CreateEvaluation(string lead, string name = "GDE evaluation")
    {
        var reply = await Post("/api/evaluations", lead, new { name, startsOn = "2016-09-01", endsOn = "2021-09-30" });
        reply.ShouldBe(HttpStatusCode.Created);
        return reply.Json["id"]!.GetValue<Guid>();
    }

    /// <summary>Enrols a site and returns its id.</summary>
    protected async Task<Guid> EnrolSite(Guid evaluationId, string user, string code, string programmeRole = "exemplar",
        string enrolledOn = "2017-01-01", string? eprSystem = "Cerner", string kind = "acute")
    {
        var reply = await Post($"/api/evaluations/{evaluationId}/sites", user, new
        {
            code,
            kind,
            programmeRole,
            cohort = "Acute GDE wave 1",
            region = "North",
            eprSystem,
            caseDepth = "inDepth",
            enrolledOn,
        });
        reply.ShouldBe(HttpStatusCode.Created);
        return reply.Json["id"]!.GetValue<Guid>();
    }

    /// <summary>Proposes a pairing and returns its id.</summary>
    protected async Task<Guid> ProposePairing(Guid evaluationId, string user, Guid exemplar, Guid follower, string proposedOn = "2017-09-01")
    {
        var reply = await Post($"/api/evaluations/{evaluationId}/pairings", user,
            new { exemplarSiteId = exemplar, followerSiteId = follower, proposedOn });
        reply.ShouldBe(HttpStatusCode.Created);
        return reply.Json["id"]!.GetValue<Guid>();
    }

    protected async Task AddMember(Guid evaluationId, string lead, string userId, string role) =>
        (await Post($"/api/evaluations/{evaluationId}/members", lead, new { userId, role })).ShouldBe(HttpStatusCode.OK);
}
