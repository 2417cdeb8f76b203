using System.Text.Json;
using Fieldwork.Api.Hosting;
using Fieldwork.Integrity;

namespace Fieldwork.Api.Verbs;

/// <summary>
/// <c>verify</c>: recomputes the integrity chain over every stored event and prints one line of
/// JSON, <c>{ ok, checked, head, firstBrokenSequence, pending }</c>; exits 0 when the chain holds,
/// 1 when it is broken, 2 when it cannot run. Uses the API's database (the private cluster in
/// Development when no connection string is given).
/// </summary>
public static class VerifyVerb
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var builder = WebApplication.CreateSlimBuilder(args[1..]);
        try
        {
            var connectionString = await FieldworkHost.ConnectionStringAsync(builder, errors.WriteLine);

            await using var database = Npgsql.NpgsqlDataSource.Create(connectionString);
            var report = await EventChain.VerifyAsync(database, FieldworkStore.Schema);
            output.WriteLine(JsonSerializer.Serialize(report, JsonSerializerOptions.Web));
            return report.Ok ? 0 : 1;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            errors.WriteLine($"verify could not run: {e.Message}");
            return 2;
        }
    }
}
