using Fieldwork;
using Fieldwork.Api.Hosting;
using Fieldwork.Benchmarks;
using Marten;

// The benchmark harness: every speed claim in docs/benchmarks.md comes from here, each path
// reported as a ratio against a baseline measured in the same run.
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks [-- evaluation-read [events] [samples]]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- state [events] [samples] [seed]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- logging [interviews per round] [clients] [warmup] [rounds]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- coding [texts] [codings] [samples]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- audit [events] [samples]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- import [evaluations] [rebuilds]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- resilience [seconds] [clients]   (tests/resilience.sh; writes docs/reliability.md's figures)
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- report   (all of them; writes docs/benchmarks.md's report section)
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- profile <trace.nettrace> [method name contains] [top] [top frame contains] [some frame contains]
//   dotnet run -c Release --project tests/Fieldwork.Benchmarks -- jit <trace.nettrace> [top]
//     (reads a 'dotnet-trace collect -p <api pid> --providers Microsoft-Windows-DotNETRuntime:0x10:5' trace)
//     (profile reads a 'dotnet-trace collect-linux -p <api pid> --profile cpu-sampling' trace; no database)
var which = args.FirstOrDefault() ?? "evaluation-read";
if (which == "profile")
{
    return Fieldwork.Benchmarks.Profile.Run(args[1], args.Length > 2 && args[2].Length > 0 ? args[2] : null,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 60,
        args.Length > 4 && args[4].Length > 0 ? args[4] : null, args.Length > 5 && args[5].Length > 0 ? args[5] : null);
}

if (which == "jit")
{
    return JitLog.Run(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 30);
}

var connection = Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is { Length: > 0 } given
    ? given
    : await LocalPostgres.EnsureDatabaseAsync("fieldwork_bench", Console.Error.WriteLine);

await using var store = DocumentStore.For(opts => FieldworkStore.Configure(opts, connection));
await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

Console.WriteLine($"Fieldwork benchmarks, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
switch (which)
{
    case "evaluation-read":
        var events = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000;
        var samples = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200;
        await EvaluationReadBenchmark.RunAsync(store, events, samples);
        return 0;
    case "state":
        var stateEvents = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var stateSamples = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200;
        var seed = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 20261126;
        // Empties the database first, so only ever the private benchmark database.
        var emptyFirst = Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 };
        await StateBenchmark.RunAsync(store, stateEvents, stateSamples, seed, emptyFirst);
        return 0;
    case "logging":
        var interviews = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6_000;
        var clients = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 16;
        var warmup = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10_000; // about 20 s of load: the JIT tiers the hot paths up in the first minute
        var rounds = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 3;
        return await LoggingBenchmark.RunAsync(connection, interviews, clients, warmup, rounds);
    case "coding":
        var texts = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
        var codings = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        var codingSamples = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 30;
        return await CodingBenchmark.RunAsync(store, connection, texts, codings, codingSamples);
    case "audit":
        var logEvents = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var auditSamples = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 30;
        return await AuditBenchmark.RunAsync(store, connection, logEvents, auditSamples,
            emptyFirst: Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 });
    case "import":
        var evaluations = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var rebuilds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
        return await ImportBenchmark.RunAsync(store, connection, evaluations, rebuilds,
            emptyFirst: Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 });
    case "resilience":
        var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60;
        var loadClients = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 32;
        return await Fieldwork.Benchmarks.Resilience.ResilienceRun.RunAsync(seconds, loadClients);
    case "report":
        return await Report.RunAsync(store, connection,
            emptyFirst: Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork") is not { Length: > 0 });
    default:
        Console.Error.WriteLine($"unknown benchmark '{which}'; known: evaluation-read, state, logging, coding, audit, import, resilience, report");
        return 2;
}
