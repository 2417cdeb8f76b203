using Fieldwork.Api.Hosting;
using Fieldwork.Demo;

namespace Fieldwork.Api.Verbs;

/// <summary>
/// <c>seed [--seed N] [--scale N [--size K]]</c>: loads the synthetic demo evaluation (see <see cref="DemoEvaluation"/>)
/// into the API's database, unless it is already there; with <c>--scale N</c>, N more evaluations
/// of its shape, each from its own seed (about 23,000 events each), for benchmarks, through the
/// bulk path; with <c>--size K</c>, each of them with K times the demo's evidence and codings
/// (the same sites, pairings and waves). Prints one summary line.
/// </summary>
public static class SeedVerb
{
    /// <summary>
    /// What the verb was asked: the seed number, how many scale evaluations (0: just the demo), the
    /// other arguments, and how many times the demo's evidence each scale evaluation has (1 unless <c>--size</c>).
    /// </summary>
    public sealed record Arguments(int Seed, int Scale, IReadOnlyList<string> Rest, string? Error, int Size = 1);

    public const string Usage = "seed [--seed N] [--scale N [--size K]]";

    public static Arguments Parse(string[] args)
    {
        int seed = 2018, scale = 0, size = 1;
        var sized = false;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "--seed" or "--scale" or "--size")
            {
                if (i + 1 >= args.Length || !int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
                {
                    return new Arguments(seed, scale, rest, $"{args[i]} needs a whole number of at least 1.", size);
                }

                switch (args[i])
                {
                    case "--seed":
                        seed = n;
                        break;
                    case "--scale":
                        scale = n;
                        break;
                    default:
                        (size, sized) = (n, true);
                        break;
                }

                i++;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return sized && scale == 0
            ? new Arguments(seed, scale, rest, "--size applies to the evaluations of --scale N (the demo itself has one size).", size)
            : new Arguments(seed, scale, rest, null, size);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var (seed, scale, rest, error, size) = Parse(args);
        if (error is not null)
        {
            errors.WriteLine($"usage: {Usage}: {error}");
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

            // Scale data: evaluations of the demo's shape, each from its own seed (and K times its evidence), for benchmarks.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            long events = 0;
            for (var i = 1; i <= scale; i++)
            {
                var summary = await DemoEvaluation.SeedBulkAsync(store, keys, seed * 1000 + i,
                    size == 1 ? $"Scale evaluation {i} of {scale} (synthetic)" : $"Scale evaluation {i} of {scale}, size {size} (synthetic)", size);
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
