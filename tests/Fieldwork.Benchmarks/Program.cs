using Fieldwork;
using Fieldwork.Api.Hosting;
using Fieldwork.Benchmarks;
using Marten;

// The benchmark harness: every speed claim in docs/benchmarks.md comes from here, each path
// reported as a ratio against a baseline measured in the same run.
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks [-- evaluation-read [events] [samples]]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- state [events] [samples] [seed]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- logging [interviews per round] [clients] [warmup] [rounds]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- visits [visits per round] [clients] [warmup] [rounds]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- refi-import [sources] [codings] [rounds]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- reads [samples] [demo seed]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- store-reads [samples] [others] [size] [again]
//     (again: the full store a previous store-reads left, measured once more without seeding: after a change to the reads)
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- coding [texts] [codings] [samples]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- audit [events] [samples]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- import [evaluations] [rebuilds]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- evaluation-audit [other evaluations] [samples]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- resilience [seconds] [clients]   (tests/resilience.sh; writes docs/reliability.md's figures)
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- report   (all of them; writes docs/benchmarks.md's report section)
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- profile <trace.nettrace> [method name contains] [top] [top frame contains] [some frame contains]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- jit <trace.nettrace> [top]
//     (reads a 'dotnet-trace collect -p <api pid> --providers Microsoft-Windows-DotNETRuntime:0x10:5' trace)
//     (profile reads a 'dotnet-trace collect-linux -p <api pid> --profile cpu-sampling' trace; no database)
// FIELDWORK_API_<NAME>=value in the harness's environment reaches the API process alone, as <NAME>=value
// (a runtime knob tried on the API without changing the harness's own clients or the baseline).
var which = args.FirstOrDefault() ?? "evaluation-read";
string? Text(int i) => args.Length > i && args[i].Length > 0 ? args[i] : null;
int Number(int i, int fallback) => Text(i) is { } given ? int.Parse(given, System.Globalization.CultureInfo.InvariantCulture) : fallback;
if (which == "profile")
{
    return Fieldwork.Benchmarks.Profile.Run(args[1], Text(2), Number(3, 60), Text(4), Text(5));
}

if (which == "jit")
{
    return JitLog.Run(args[1], Number(2, 30));
}

var connection = Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is { Length: > 0 } given
    ? given
    : await LocalPostgres.EnsureDatabaseAsync("fieldwork_bench", Console.Error.WriteLine, throwaway: true);

await using var store = DocumentStore.For(opts => FieldworkStore.Configure(opts, connection));
await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

Console.WriteLine($"Fieldwork benchmarks, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
switch (which)
{
    case "evaluation-read":
        var events = Number(1, 2000);
        var samples = Number(2, 200);
        await EvaluationReadBenchmark.RunAsync(store, events, samples);
        return 0;
    case "state":
        var stateEvents = Number(1, 100_000);
        var stateSamples = Number(2, 200);
        var seed = Number(3, 20261126);
        // Empties the database first, so only ever the private benchmark database.
        var emptyFirst = Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 };
        await StateBenchmark.RunAsync(store, stateEvents, stateSamples, seed, emptyFirst);
        return 0;
    case "logging":
        var interviews = Number(1, 6_000);
        var clients = Number(2, 16);
        var warmup = Number(3, 10_000); // about 20 s of load: the JIT tiers the hot paths up in the first minute
        var rounds = Number(4, 3);
        return await LoggingBenchmark.RunAsync(connection, interviews, clients, warmup, rounds);
    case "visits":
        return await VisitBenchmark.RunAsync(connection, Number(1, 300), Number(2, 16), Number(3, 100), Number(4, 3));
    case "reads":
        return await ReadsBenchmark.RunAsync(store, connection, Number(1, 25), Number(2, 2018));
    case "store-reads":
        return await StoreReadsBenchmark.RunAsync(store, connection, Number(1, 25), Number(2, 20), Number(3, 10),
            Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 }, args.ElementAtOrDefault(4) == "again");
    case "refi-import":
        return await RefiImportBenchmark.RunAsync(store, connection, Number(1, 1_000), Number(2, 100_000), Number(3, 2));
    case "coding":
        var texts = Number(1, 1000);
        var codings = Number(2, 20_000);
        var codingSamples = Number(3, 30);
        return await CodingBenchmark.RunAsync(store, connection, texts, codings, codingSamples);
    case "audit":
        var logEvents = Number(1, 1_000_000);
        var auditSamples = Number(2, 30);
        return await AuditBenchmark.RunAsync(store, connection, logEvents, auditSamples,
            emptyFirst: Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 });
    case "import":
        var evaluations = Number(1, 5);
        var rebuilds = Number(2, 3);
        return await ImportBenchmark.RunAsync(store, connection, evaluations, rebuilds,
            emptyFirst: Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 });
    case "evaluation-audit":
        return await EvaluationAuditBenchmark.RunAsync(store, connection, Number(1, 20), Number(2, 25),
            emptyFirst: Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 });
    case "resilience":
        var seconds = Number(1, 60);
        var loadClients = Number(2, 32);
        return await Fieldwork.Benchmarks.Resilience.ResilienceRun.RunAsync(seconds, loadClients);
    case "report":
        return await Report.RunAsync(store, connection,
            emptyFirst: Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 });
    default:
        Console.Error.WriteLine($"unknown benchmark '{which}'; known: evaluation-read, state, logging, visits, refi-import, coding, audit, import, evaluation-audit, resilience, report");
        return 2;
}
