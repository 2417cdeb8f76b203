using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Api.Verbs;
using Fieldwork.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Hosting;

public sealed class when_hosting_the_api(AppFixture app) : ApiTest(app)
{
    [Fact]
    public void wolverine_runs_as_a_mediator_only_with_no_durable_messaging_agents()
    {
        // Nothing is published or queued: the inbox/outbox agents would only poll the database.
        var options = App.Host.Services.GetRequiredService<Wolverine.WolverineOptions>();
        Assert.Equal(Wolverine.DurabilityMode.MediatorOnly, options.Durability.Mode);
    }

    [Fact]
    public async Task health_checks_the_database_without_a_token()
    {
        var reply = (await Get("/health", null)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("healthy", reply.Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_token_verb_prints_one_line_that_the_api_accepts()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = TokenVerb.Run(["token", "verb-user", "--environment", "Development"], output, errors);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var token = Assert.Single(lines).Trim();
        var reply = await Send(HttpMethod.Get, "/api/evaluations", null, null, rawToken: token);
        reply.ShouldBe(HttpStatusCode.OK);

        Assert.Equal(2, TokenVerb.Run(["token"], new StringWriter(), new StringWriter()));
    }

    [Fact]
    public async Task the_openapi_document_describes_every_route_with_its_real_statuses()
    {
        var document = (await Get("/openapi/v1.json", null)).ShouldBe(HttpStatusCode.OK).Json;
        var paths = document["paths"]!.AsObject();

        var routes = App.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Wolverine.Http.HttpChain>() is not null)
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.TrimStart('/'),
                Method: e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant()))
            .ToList();
        Assert.NotEmpty(routes);
        foreach (var (path, method) in routes)
        {
            Assert.True(paths[path]?[method] is JsonObject, $"{method.ToUpperInvariant()} {path} is missing from the OpenAPI document");
        }

        var create = paths["/api/evaluations"]!["post"]!["responses"]!.AsObject();
        Assert.Contains("201", create.Select(r => r.Key));
        Assert.DoesNotContain("200", create.Select(r => r.Key));
        Assert.Contains("400", create.Select(r => r.Key));
        Assert.Contains("401", create.Select(r => r.Key));
        Assert.Contains("409", create.Select(r => r.Key));

        var waves = paths["/api/evaluations/{evaluationId}/waves"]!["post"]!["responses"]!.AsObject().Select(r => r.Key).ToList();
        Assert.Equal(["201", "400", "401", "403", "404", "409", "413", "415", "429", "500", "503"], waves.Order());

        var health = paths["/health"]!["get"]!["responses"]!.AsObject().Select(r => r.Key).ToList();
        Assert.DoesNotContain("401", health);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("someone")]
    public async Task the_root_serves_the_web_ui_to_everyone_under_its_own_content_policy(string? user)
    {
        using var client = App.Host.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (user is not null)
        {
            request.Headers.Authorization = new("Bearer", App.TokenFor(NewUser(user)));
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("_framework/blazor.web", await response.Content.ReadAsStringAsync());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("style-src 'self'", policy);
        Assert.DoesNotContain("unsafe", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
    }

    [Fact]
    public async Task the_api_reference_page_is_served()
    {
        var reply = (await Get("/reference/", null)).ShouldBe(HttpStatusCode.OK);
        Assert.Contains("openapi", reply.Body, StringComparison.OrdinalIgnoreCase);
    }
}
