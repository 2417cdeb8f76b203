using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Fieldwork.Api.Hosting;

/// <summary>
/// What an operator needs once the API is up, in a few lines: where it listens, which database it
/// uses (never the password), which tokens it accepts (a signing key or an identity provider),
/// whether the demo was loaded, and where the reference is. The
/// libraries' own start-up chatter is kept at Warning in appsettings.json.
/// </summary>
public static class StartupSummary
{
    public static void PrintWhenStarted(WebApplication app, string? demo)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var url = addresses.FirstOrDefault() ?? "(no address)";
            var tokens = app.Services.GetService<Auth.AuthSettings>()?.Describe();
            Console.WriteLine(Describe(url, app.Configuration.GetConnectionString("Fieldwork") ?? "", app.Environment.EnvironmentName, demo, tokens));
        });
    }

    public static string Describe(string url, string connectionString, string environment, string? demo, string? tokens = null)
    {
        var database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var lines = new List<string>
        {
            $"Fieldwork is listening on {url} ({environment}).",
            $"  Database:  {database.Database} on {database.Host}:{database.Port}",
        };
        if (tokens is not null)
        {
            lines.Add($"  Tokens:    {tokens}");
        }

        lines.Add($"  Web UI:    {url.TrimEnd('/')}/");
        lines.Add($"  Reference: {url.TrimEnd('/')}/reference/  (OpenAPI document: {url.TrimEnd('/')}/openapi/v1.json)");
        if (demo is not null)
        {
            lines.Add($"  Demo:      {demo}");
        }

        lines.Add("  Stop with Ctrl+C.");
        return string.Join(Environment.NewLine, lines);
    }
}
