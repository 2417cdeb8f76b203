using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Fieldwork.Api.Auth;
using Fieldwork.Api.Hosting;
using Fieldwork.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Fieldwork.Tests.Web;

/// <summary>
/// The real API with its web UI on Kestrel (a browser needs a port), on a database of its own in
/// the suite's private cluster (fieldwork_ui_tests, made anew each run, so it never meets the api
/// collection's database), with the demo loaded as on a first `dotnet run`; and Debian's Chromium
/// driven by Playwright. The host is configured in memory, not through the environment the api
/// collection's fixture sets for itself, and keeps the default anonymous rate limit: reloading
/// pages must never meet a 429.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private WebApplication? host;
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The UI's address, http://127.0.0.1:port/.</summary>
    public string BaseUrl { get; private set; } = "";

    public Guid EvaluationId { get; } = Fieldwork.Demo.DemoEvaluation.EvaluationId(2018);

    public AuthSettings Auth => host!.Services.GetRequiredService<AuthSettings>();

    public string TokenFor(string userId) => Tokens.Mint(Auth, userId, TimeProvider.System);

    public async Task InitializeAsync()
    {
        var connection = AppFixture.GivenConnectionString is { Length: > 0 } given
            ? given
            : await AppFixture.FreshDatabaseAsync("fieldwork_ui_tests");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Fieldwork"] = connection,
            ["Fieldwork:SeedDemo"] = "false",
            ["Fieldwork:AsyncDaemon"] = "true",
            ["RateLimiting:UnauthenticatedPerMinute"] = "120",
            // Settings other tests put in the environment for hosts of their own while this one may be starting.
            ["Auth:Authority"] = "",
            ["Auth:SigningKey"] = "",
            ["Auth:Issuer"] = "",
            ["Auth:Audience"] = "",
            ["Auth:RequireHttpsMetadata"] = "",
            ["Auth:UserIdClaim"] = "sub",
            ["ForwardedHeaders:KnownProxies"] = "",
            ["ForwardedHeaders:KnownNetworks"] = "",
            ["Secrets:CheckpointSigningKey"] = "",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await FieldworkHost.ConfigureAsync(builder);
        host = builder.Build();
        FieldworkHost.UsePipeline(host);
        // The demo, as the first run loads it (seeding is idempotent: a given database may hold it already).
        var store = host.Services.GetRequiredService<Marten.IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var keys = host.Services.GetRequiredService<Fieldwork.Secrets.KeyRing>();
        await keys.EnsureStoreAsync(store, TimeProvider.System);
        await Fieldwork.Demo.DemoEvaluation.SeedAsync(store, keys);
        await host.StartAsync();
        BaseUrl = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";

        // Generous: the first request to each API route compiles its handler (Wolverine generates code at run time).
        Assertions.SetDefaultExpectTimeout(20_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A read of the API as a user, to compare the UI with.</summary>
    public async Task<JsonNode> ApiAsync(string path, string user)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(user));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (host is not null)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
