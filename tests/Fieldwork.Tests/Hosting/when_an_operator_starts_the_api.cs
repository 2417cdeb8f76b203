using System.Diagnostics;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Hosting;

/// <summary>An operator starting the API reads a short summary, not the libraries' start-up chatter.</summary>
public sealed class when_an_operator_starts_the_api(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task start_up_prints_a_short_summary_of_where_it_listens_and_what_it_uses()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Fieldwork"] = App.ConnectionString;
        start.Environment["Fieldwork__SeedDemo"] = "false";
        start.Environment["Fieldwork__AsyncDaemon"] = "false";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.Contains("Stop with Ctrl+C.", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var output = string.Join(Environment.NewLine, lines);
        Assert.True(lines.Count <= 8, $"{lines.Count} lines at start-up:{Environment.NewLine}{output}{Environment.NewLine}{await errors}");
        Assert.Contains(lines, l => l.StartsWith("Fieldwork is listening on http://127.0.0.1:", StringComparison.Ordinal));
        var database = new Npgsql.NpgsqlConnectionStringBuilder(App.ConnectionString);
        Assert.Contains(lines, l => l.Contains($"Database:  {database.Database} on {database.Host}:{database.Port}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Tokens:    signed with Auth:SigningKey (HS256)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("/reference/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  Web UI:    http://127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain(database.Password ?? "\0", output + await errors);
        Assert.DoesNotContain("info:", output);
        Assert.DoesNotContain("warn:", output);
    }
}
