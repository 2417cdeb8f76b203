using System.Diagnostics;
using Fieldwork.Api.Verbs;

namespace Fieldwork.Tests.Hosting;

/// <summary>The program's verbs: help says what there is, an unknown verb says so; neither starts a server.</summary>
public sealed class when_calling_the_program
{
    [Theory]
    [InlineData(new string[0], CommandLine.Kind.Serve)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5099" }, CommandLine.Kind.Serve)]
    [InlineData(new[] { "Fieldwork:SeedDemo=false" }, CommandLine.Kind.Serve)]
    [InlineData(new[] { "token", "alice" }, CommandLine.Kind.Token)]
    [InlineData(new[] { "seed", "--scale", "2" }, CommandLine.Kind.Seed)]
    [InlineData(new[] { "verify" }, CommandLine.Kind.Verify)]
    [InlineData(new[] { "help" }, CommandLine.Kind.Help)]
    [InlineData(new[] { "--help" }, CommandLine.Kind.Help)]
    [InlineData(new[] { "-h" }, CommandLine.Kind.Help)]
    [InlineData(new[] { "seeed" }, CommandLine.Kind.Unknown)]
    [InlineData(new[] { "migrate", "--now" }, CommandLine.Kind.Unknown)]
    public void each_command_line_means_one_thing(string[] args, CommandLine.Kind expected) =>
        Assert.Equal(expected, CommandLine.Of(args));

    [Theory]
    [InlineData("help", 0)]
    [InlineData("--help", 0)]
    [InlineData("frobnicate", 2)]
    public async Task help_and_unknown_verbs_print_the_verbs_and_exit_without_serving(string verb, int exitCode)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add(verb);
        // Were it to serve, it would need a database: point it at none, so that a wrong turn fails fast.
        start.Environment["ConnectionStrings__Fieldwork"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(exitCode, process.ExitCode);
        var text = exitCode == 0 ? await output : await errors;
        foreach (var name in new[] { "token <userId>", "seed", "verify", "help" })
        {
            Assert.Contains(name, text);
        }

        if (exitCode != 0)
        {
            Assert.Contains($"Unknown verb '{verb}'", text);
        }

        Assert.DoesNotContain("Now listening", await output);
    }
}
