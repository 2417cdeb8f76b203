using System.Globalization;
using System.Text.Json;
using Fieldwork.Api.Audit;
using Fieldwork.Api.Hosting;
using Fieldwork.Integrity;

namespace Fieldwork.Api.Verbs;

/// <summary>
/// <c>verify [--sequence N --head H]</c>: recomputes the integrity chain over every stored event
/// and prints one line of JSON, the same report as <c>GET /api/audit/verify</c>; with an anchor,
/// also whether the log still passes through it. Exits 0 when the status is ok, 1 when the log is
/// broken (or departs from the anchor), 3 when it holds but events are still pending, 2 when it
/// cannot run or its arguments are wrong. Uses the API's database (the private cluster in
/// Development when no connection string is given).
/// </summary>
public static class VerifyVerb
{
    /// <summary>What the verb was asked: an anchor's sequence and head (both or neither), the other arguments, and what is wrong with them.</summary>
    public sealed record Arguments(string? Sequence, string? Head, IReadOnlyList<string> Rest, string? Error);

    public static Arguments Parse(string[] args)
    {
        string? sequence = null, head = null;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "--sequence" or "--head")
            {
                if (i + 1 >= args.Length)
                {
                    return new Arguments(sequence, head, rest, $"{args[i]} needs a value.");
                }

                (sequence, head) = args[i] == "--sequence" ? (args[i + 1], head) : (sequence, args[i + 1]);
                i++;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return new Arguments(sequence, head, rest, null);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var (sequenceText, head, rest, error) = Parse(args);
        if (error is not null)
        {
            errors.WriteLine($"usage: verify [--sequence N --head H]: {error}");
            return 2;
        }

        long? sequence = null;
        if (sequenceText is not null)
        {
            if (!long.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                errors.WriteLine("usage: verify [--sequence N --head H]: sequence: --sequence must be a whole number, an event's sequence.");
                return 2;
            }

            sequence = parsed;
        }

        var builder = WebApplication.CreateSlimBuilder([.. rest]);
        try
        {
            var connectionString = await FieldworkHost.ConnectionStringAsync(builder, errors.WriteLine);

            await using var database = Npgsql.NpgsqlDataSource.Create(connectionString);
            var problems = await AuditReads.AnchorErrorsAsync(sequence, head, database, CancellationToken.None);
            if (problems.Count > 0)
            {
                foreach (var (field, messages) in problems)
                {
                    errors.WriteLine($"usage: verify [--sequence N --head H]: {field}: {string.Join(" ", messages)}");
                }

                return 2;
            }

            var anchor = sequence is { } s ? new ChainAnchor(s, head!) : null;
            var report = await EventChain.VerifyAsync(database, FieldworkStore.Schema, anchor);
            var json = new JsonSerializerOptions(JsonSerializerOptions.Web);
            JsonDefaults.Apply(json);
            output.WriteLine(JsonSerializer.Serialize(report, json));
            return report.Status switch
            {
                ChainStatus.Ok => 0,
                ChainStatus.Pending => 3,
                _ => 1,
            };
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            errors.WriteLine($"verify could not run: {e.Message}");
            return 2;
        }
    }
}
