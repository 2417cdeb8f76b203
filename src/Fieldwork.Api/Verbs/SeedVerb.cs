using Fieldwork.Api.Hosting;
using Fieldwork.Demo;

namespace Fieldwork.Api.Verbs;

/// <summary>
/// <c>seed [--seed N] [--scale N]</c>: loads the synthetic demo evaluation (see <see cref="DemoEvaluation"/>)
/// into the API's database, unless it is already there; with <c>--scale N</c>, N more evaluations
/// of its shape, each from its own seed (about 23,000 events each), for benchmarks. Prints one summary line.
/// </summary>
public static class SeedVerb
{
    /// <summary>What the verb was asked: the seed number, how many scale evaluations (0: just the demo), and the other arguments.</summary>
    public sealed record Arguments(int Seed, int Scale, IReadOnlyList<string> Rest, string? Error);

    public static Arguments Parse(string[] args)
    {
        int seed = 2018, scale = 0;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "--seed" or "--scale")
            {
                if (i + 1 >= args.Length || !int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
                {
                    return new Arguments(seed, scale, rest, $"{args[i]} needs a whole number of at least 1.");
                }

                (seed, scale) = args[i] == "--seed" ? (n, scale) : (seed, n);
                i++;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return new Arguments(seed, scale, rest, null);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var (seed, scale, rest, error) = Parse(args);
        if (error is not null)
        {
            errors.WriteLine($"usage: seed [--seed N] [--scale N]: {error}");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder([.. rest]);
        try
        {
            var connectionString = await FieldworkHost.ConnectionStringAsync(builder, errors.WriteLine);

            var keys = new Fieldwork.Secrets.KeyRing(KeyEncryptionSettings.From(builder.Configuration, builder.Environment));
            await using var store = DocumentStore.For(opts => FieldworkStore.Configure(opts, connectionString));
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await keys.EnsureStoreAsync(store, TimeProvider.System);
            if (scale == 0)
            {
                output.WriteLine(Describe(await DemoEvaluation.SeedAsync(store, keys, seed)));
                return 0;
            }

            // Scale data: evaluations of the demo's shape, each from its own seed, for benchmarks.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            long events = 0;
            for (var i = 1; i <= scale; i++)
            {
                var summary = await DemoEvaluation.SeedBulkAsync(store, keys, seed * 1000 + i, $"Scale evaluation {i} of {scale} (synthetic)");
                events += summary.Events;
                errors.WriteLine(Describe(summary));
            }

            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Seeded {scale} scale evaluations: {events:N0} events in {watch.Elapsed.TotalSeconds:0.0} s ({events / Math.Max(watch.Elapsed.TotalSeconds, 0.001):N0} events/s)."));
            return 0;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            errors.WriteLine($"seed could not run: {e.Message}");
            return 2;
        }
    }

    public static string Describe(DemoEvaluation.Summary s) => s.AlreadyThere
        ? $"The demo evaluation {s.EvaluationId} is already there; nothing seeded."
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Seeded the demo evaluation {s.EvaluationId}: {s.Interviews} interviews, {s.Observations} observations, {s.Documents} documents, " +
            $"{s.Codings:N0} codings, {s.Events:N0} events in {s.Elapsed.TotalSeconds:0.0} s. Members: {string.Join(", ", DemoEvaluation.Members)}.");
}
