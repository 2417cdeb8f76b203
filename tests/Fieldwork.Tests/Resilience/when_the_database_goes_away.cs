using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Alba;
using Fieldwork.Api.Auth;
using Fieldwork.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fieldwork.Tests.Resilience;

/// <summary>
/// An API whose database connection runs through a proxy the test cuts: while the database is out
/// of reach, every request answers promptly with a 503 problem and Retry-After (never a hang, never
/// a 500), /health says unhealthy, nothing sent meanwhile is written, and once the database is back
/// the same API serves again without a restart.
/// </summary>
public sealed class when_the_database_goes_away(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task requests_answer_503_promptly_health_is_unhealthy_and_the_api_recovers_by_itself()
    {
        var target = new NpgsqlConnectionStringBuilder(App.ConnectionString);
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var through = new NpgsqlConnectionStringBuilder(App.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port };

        Environment.SetEnvironmentVariable("ConnectionStrings__Fieldwork", through.ConnectionString);
        Environment.SetEnvironmentVariable("Fieldwork__AsyncDaemon", "false");
        IAlbaHost host;
        try
        {
            host = await AlbaHost.For<Program>();
        }
        finally
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__Fieldwork", App.ConnectionString);
            Environment.SetEnvironmentVariable("Fieldwork__AsyncDaemon", null);
        }

        await using (host)
        {
            using var client = AppFixture.ClientOf(host, App.Contract);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                Tokens.Mint(host.Services.GetRequiredService<AuthSettings>(), NewUser("lead"), TimeProvider.System));
            object Evaluation(Guid id) => new { id, name = "Outage", startsOn = "2016-09-01", endsOn = "2021-09-30" };

            using (var before = await client.PostAsJsonAsync("/api/evaluations", Evaluation(Guid.NewGuid())))
            {
                Assert.Equal(HttpStatusCode.Created, before.StatusCode);
            }

            proxy.Cut();
            var lost = Guid.NewGuid();
            foreach (var (method, url, body) in new (HttpMethod, string, object?)[]
            {
                (HttpMethod.Post, "/api/evaluations", Evaluation(lost)),
                (HttpMethod.Get, "/api/evaluations", null),
                (HttpMethod.Get, "/health", null),
            })
            {
                using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
                var watch = Stopwatch.StartNew();
                using var response = await client.SendAsync(request);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{method} {url} took {watch.Elapsed} with the database away");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                if (url != "/health")
                {
                    Assert.NotNull(response.Headers.RetryAfter);
                }
            }

            proxy.Restore();
            var deadline = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                using var health = await client.GetAsync("/health");
                status = health.StatusCode;
                if (status != HttpStatusCode.OK)
                {
                    await Task.Delay(200);
                }
            }
            while (status != HttpStatusCode.OK && deadline.Elapsed < TimeSpan.FromSeconds(30));

            Assert.Equal(HttpStatusCode.OK, status);
            using (var after = await client.PostAsJsonAsync("/api/evaluations", Evaluation(Guid.NewGuid())))
            {
                Assert.Equal(HttpStatusCode.Created, after.StatusCode);
            }

            using var missing = await client.GetAsync($"/api/evaluations/{lost}");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
    }
}
