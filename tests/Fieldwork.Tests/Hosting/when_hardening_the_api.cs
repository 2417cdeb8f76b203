using System.Net;
using Alba;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Hosting;

public sealed class when_hardening_the_api(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task every_answer_carries_the_security_headers()
    {
        foreach (var reply in new[] { await Get("/health", null), await Get("/api/evaluations", null), await Get("/api/evaluations", NewUser()) })
        {
            var headers = reply.Response.Headers;
            Assert.Equal("nosniff", headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("default-src 'none'", headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("no-store", reply.Response.Headers.CacheControl!.ToString());
        }
    }

    [Fact]
    public async Task an_unexpected_failure_answers_a_plain_500_without_stack_trace_or_sql()
    {
        var reply = await Get(FailingPathFilter.Path, NewUser());
        reply.ShouldBeProblem(HttpStatusCode.InternalServerError);
        Assert.NotNull(reply.Json["traceId"]);
        foreach (var leak in new[] { "SELECT", "secret.person", "InvalidOperationException", " at ", "FailingPathFilter", ".cs:line" })
        {
            Assert.DoesNotContain(leak, reply.Body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task personal_data_and_transcripts_never_reach_the_logs()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        var site = await EnrolSite(evaluation, lead, "GDE1");
        var marker = Guid.NewGuid().ToString("N")[..10];
        var name = $"Bartholomew Logless {marker}";
        var email = $"b.logless.{marker}@trust.example";
        var sentence = $"Nobody trusted the discharge summaries {marker}.";
        var participant = (await Post($"{url}/participants", lead, new
        {
            pseudonym = "P-LOG",
            role = "Ward manager",
            siteId = site,
            personal = new { name, email },
            consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var interview = (await Post($"{url}/interviews", lead, new
        {
            occurredOn = "2018-03-05",
            siteIds = new[] { site },
            participantIds = new[] { participant },
            format = "oneToOne",
            mode = "phone",
            durationMinutes = 30,
            transcript = sentence,
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Get($"{url}/participants/{participant}", lead)).ShouldBe(HttpStatusCode.OK);
        (await Get($"{url}/evidence/{interview}", lead)).ShouldBe(HttpStatusCode.OK);
        // A bad request that echoes nothing of the body back into the logs either.
        (await Post($"{url}/participants", lead, $"{{\"pseudonym\": 5, \"personal\": {{\"name\": \"{name}\"}}}}")).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Post($"{url}/participants/{participant}/withdrawal", lead, new { eraseTranscripts = true })).ShouldBe(HttpStatusCode.OK);

        Assert.NotEmpty(App.Logs.Messages);
        Assert.DoesNotContain(App.Logs.Messages, m => m.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task requests_without_a_valid_token_are_rate_limited_when_configured()
    {
        Environment.SetEnvironmentVariable("RateLimiting__UnauthenticatedPerMinute", "3");
        Environment.SetEnvironmentVariable("Fieldwork__AsyncDaemon", "false");
        IAlbaHost limited;
        try
        {
            limited = await AlbaHost.For<Program>();
        }
        finally
        {
            Environment.SetEnvironmentVariable("RateLimiting__UnauthenticatedPerMinute", "1000000");
            Environment.SetEnvironmentVariable("Fieldwork__AsyncDaemon", null);
        }

        await using (limited)
        {
            using var client = AppFixture.ClientOf(limited, App.Contract);
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 5; i++)
            {
                using var response = await client.GetAsync("/api/evaluations");
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
                    Assert.NotNull(response.Headers.RetryAfter);
                }
            }

            Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized,
                HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);

            // A caller with a valid token is not limited.
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/evaluations");
            request.Headers.Authorization = new("Bearer", App.TokenFor(NewUser()));
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task the_web_ui_is_not_counted_by_the_anonymous_rate_limit_and_its_static_files_are_cached()
    {
        await using var limited = await OwnHost.StartAsync(("RateLimiting__UnauthenticatedPerMinute", "2"));
        using var client = limited.Server.CreateClient();
        string[] ui = ["/", "/_framework/blazor.web.js", "/_content/Fieldwork.Web/fieldwork.css", "/_content/Fieldwork.Web/fieldwork.js"];
        for (var reload = 0; reload < 5; reload++)
        {
            foreach (var path in ui)
            {
                using var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} on reload {reload}: {(int)response.StatusCode}");
            }

            // The page's circuit starts with a negotiation, without a token too.
            using var negotiation = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
            Assert.True(negotiation.StatusCode == HttpStatusCode.OK, $"negotiate on reload {reload}: {(int)negotiation.StatusCode}");
        }

        // The API's anonymous requests still count.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/api/evaluations");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);

        // A static file keeps its own caching (not the API's no-store): the browser asks again with its ETag and gets a 304.
        using var script = await client.GetAsync("/_content/Fieldwork.Web/fieldwork.js");
        Assert.NotEqual("no-store", script.Headers.CacheControl?.ToString());
        Assert.NotNull(script.Headers.ETag);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/_content/Fieldwork.Web/fieldwork.js");
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        using var revalidated = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Contains("script-src 'self'", script.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task the_api_keeps_its_strict_content_policy_beside_the_web_ui()
    {
        var api = await Get("/api/evaluations", NewUser());
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", api.Response.Headers.GetValues("Content-Security-Policy").Single());
        using var client = App.Host.Server.CreateClient();
        using var page = await client.GetAsync("/evaluations/" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(Fieldwork.Web.FieldworkWeb.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("no-store", page.Headers.CacheControl!.ToString());
    }
}
