using Fieldwork.Api.Hosting;
using Fieldwork.Demo;
using Marten;

namespace Fieldwork.Api.Verbs;

/// <summary>
/// <c>seed [--seed N]</c>: loads the synthetic demo evaluation (see <see cref="DemoEvaluation"/>)
/// into the API's database, unless it is already there. Prints one summary line.
/// </summary>
public static class SeedVerb
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var seed = 2018;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                seed = n;
                i++;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        var builder = WebApplication.CreateSlimBuilder([.. rest]);
        var connectionString = builder.Configuration.GetConnectionString("Fieldwork");
        try
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                if (!builder.Environment.IsDevelopment())
                {
                    errors.WriteLine("ConnectionStrings:Fieldwork is not configured.");
                    return 2;
                }

                connectionString = await LocalPostgres.EnsureDatabaseAsync("fieldwork", errors.WriteLine);
            }

            await using var store = DocumentStore.For(opts => FieldworkStore.Configure(opts, connectionString));
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            output.WriteLine(Describe(await DemoEvaluation.SeedAsync(store, seed)));
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
