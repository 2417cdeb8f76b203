using System.Globalization;
using System.Runtime.InteropServices;
using Marten;
using Npgsql;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Runs every benchmark of the harness one after another, with their default sizes, and writes
/// what they print into docs/benchmarks.md between the report markers, headed by the machine
/// (cores, memory, OS, .NET, PostgreSQL) and the date. Progress goes to stderr.
/// </summary>
public static class Report
{
    private const string Begin = "<!-- report:begin -->";
    private const string End = "<!-- report:end -->";

    public static async Task<int> RunAsync(IDocumentStore store, string connection, bool emptyFirst)
    {
        var original = Console.Out;
        var captured = new StringWriter(CultureInfo.InvariantCulture);
        var started = DateTime.UtcNow;
        Console.SetOut(captured);
        try
        {
            async Task Step(string name, Func<Task> run)
            {
                await Console.Error.WriteLineAsync($"[{DateTime.UtcNow:HH:mm:ss}] {name}...");
                await run();
                Console.WriteLine();
            }

            await Step("evaluation-read", () => EvaluationReadBenchmark.RunAsync(store, 2000, 200));
            await Step("state", () => StateBenchmark.RunAsync(store, 100_000, 200, 20261126, emptyFirst));
            await Step("coding", () => CodingBenchmark.RunAsync(store, connection, 1000, 20_000, 30));
            await Step("logging", () => LoggingBenchmark.RunAsync(connection, 6_000, 16, 10_000, 3));
            await Step("import", () => ImportBenchmark.RunAsync(store, connection, 5, 3, emptyFirst));
            await Step("audit", () => AuditBenchmark.RunAsync(store, connection, 1_000_000, 30, emptyFirst));
        }
        finally
        {
            Console.SetOut(original);
        }

        var machine = await MachineAsync(connection);
        var body = $"""
            {Begin}
            ## Full run of every benchmark ({started:yyyy-MM-dd}, generated)

            `dotnet run -c Release --project tests/Fieldwork.Benchmarks -- report` ran every benchmark above with its defaults, one after
            another, from {started:HH:mm} to {DateTime.UtcNow:HH:mm} UTC, and wrote this section. Machine: {machine}.

            {captured.ToString().Trim()}
            {End}
            """;
        var path = await WriteSectionAsync("benchmarks.md", Begin, End, body);
        await Console.Error.WriteLineAsync($"Wrote the report into {path}");
        return 0;
    }

    /// <summary>
    /// Replaces the generated section of docs/<paramref name="file"/> (from <paramref name="begin"/>
    /// to <paramref name="end"/>, markers included) with <paramref name="section"/>, or appends it.
    /// </summary>
    internal static async Task<string> WriteSectionAsync(string file, string begin, string end, string section)
    {
        var path = Path.Combine(RepositoryRoot(), "docs", file);
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        var from = text.IndexOf(begin, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        text = from >= 0 && to > from
            ? text[..from] + section + text[(to + end.Length)..]
            : text.TrimEnd() + Environment.NewLine + Environment.NewLine + section + Environment.NewLine;
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    internal static async Task<string> MachineAsync(string connection)
    {
        var memory = File.Exists("/proc/meminfo")
            ? (await File.ReadAllLinesAsync("/proc/meminfo")).FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':')[1].Trim()
            : null;
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var command = dataSource.CreateCommand("show server_version");
        var postgres = await command.ExecuteScalarAsync() as string;
        return $"{Environment.ProcessorCount} cores, {memory ?? "unknown"} memory, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, PostgreSQL {postgres}";
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Fieldwork.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? Directory.GetCurrentDirectory();
    }
}
