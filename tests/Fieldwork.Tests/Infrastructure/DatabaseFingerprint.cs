using System.Globalization;
using Npgsql;

namespace Fieldwork.Tests.Infrastructure;

/// <summary>
/// What a request may not change, read with plain SQL: for every table of the database's own
/// schemas its row count, and the count and MD5 of the rows keyed by one of the given ids (an
/// evaluation, the streams its requests wrote, an item); every sequence's last value; the
/// event log's count, highest sequence and tombstones. Two fingerprints that are equal mean no
/// row was added, removed or (among the named ids' rows) changed, and no sequence was drawn.
/// </summary>
public sealed record DatabaseFingerprint(IReadOnlyDictionary<string, string> Lines)
{
    private const string Events = "fieldwork.mt_events";

    /// <summary>The lines that differ, as "what: before -> after".</summary>
    public IReadOnlyList<string> Differences(DatabaseFingerprint after) =>
    [
        .. Lines.Keys.Union(after.Lines.Keys).Order(StringComparer.Ordinal)
            .Where(key => Lines.GetValueOrDefault(key) != after.Lines.GetValueOrDefault(key))
            .Select(key => $"{key}: {Lines.GetValueOrDefault(key) ?? "(none)"} -> {after.Lines.GetValueOrDefault(key) ?? "(none)"}"),
    ];

    /// <summary>
    /// The ids whose rows the fingerprint reads in full: <paramref name="evaluationId"/>, every
    /// stream a request to that evaluation wrote (its causation id is the request's path), and
    /// <paramref name="more"/>.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> OwnedIdsAsync(string connectionString, Guid evaluationId, params Guid[] more)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(
            $"select distinct stream_id from {Events} where stream_id = @id or causation_id like '%' || @text || '%'", connection);
        command.Parameters.AddWithValue("id", evaluationId);
        command.Parameters.AddWithValue("text", evaluationId.ToString());
        var ids = new List<Guid> { evaluationId };
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return [.. ids.Concat(more).Distinct()];
    }

    public static async Task<DatabaseFingerprint> TakeAsync(string connectionString, IReadOnlyCollection<Guid> owned)
    {
        await using var connection = await OpenAsync(connectionString);
        var lines = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var ids = owned.ToArray();
        var pattern = string.Join('|', owned.Select(id => id.ToString()));

        // A row is the named ids' when one of its uuid columns is one of them, or its text key
        // names one (a uniqueness claim's key holds its evaluation's id).
        var keys = new Dictionary<string, List<string>>();
        await using (var columns = new NpgsqlCommand(
                         "select quote_ident(table_schema) || '.' || quote_ident(table_name), quote_ident(column_name), data_type " +
                         "from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema') " +
                         "and (data_type = 'uuid' or column_name = 'id' and data_type in ('text', 'character varying'))", connection))
        await using (var reader = await columns.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var condition = reader.GetString(2) == "uuid" ? $"{reader.GetString(1)} = any(@ids)" : $"{reader.GetString(1)} ~ @pattern";
                keys.TryAdd(reader.GetString(0), []);
                keys[reader.GetString(0)].Add(condition);
            }
        }

        foreach (var table in await ListAsync(connection,
                     "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables " +
                     "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')"))
        {
            lines[$"{table} rows"] = await ScalarAsync(connection, $"select count(*) from {table}");
            if (!keys.TryGetValue(table, out var conditions))
            {
                continue;
            }

            await using var rows = new NpgsqlCommand(
                $"select count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '-') from {table} t " +
                $"where {string.Join(" or ", conditions)}", connection);
            rows.Parameters.AddWithValue("ids", ids);
            rows.Parameters.AddWithValue("pattern", pattern);
            lines[$"{table} rows of the named ids"] = Convert.ToString(await rows.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
        }

        foreach (var sequence in await ListAsync(connection,
                     "select quote_ident(schemaname) || '.' || quote_ident(sequencename) from pg_sequences " +
                     "where schemaname not in ('pg_catalog', 'information_schema')"))
        {
            lines[$"{sequence} last value"] = await ScalarAsync(connection, $"select last_value::text || ' ' || is_called::text from {sequence}");
        }

        lines[$"{Events} highest sequence"] = await ScalarAsync(connection, $"select coalesce(max(seq_id), 0) from {Events}");
        lines[$"{Events} tombstones"] = await ScalarAsync(connection, $"select count(*) from {Events} where type = 'tombstone'");
        return new DatabaseFingerprint(lines);
    }

    /// <summary>
    /// Waits until the async daemon has linked every stored event into the integrity chain, so
    /// that its own writes (chain links, progress) do not show up between two fingerprints.
    /// </summary>
    public static async Task WaitForTheDaemonAsync(string connectionString, TimeSpan timeout)
    {
        await using var connection = await OpenAsync(connectionString);
        var deadline = DateTime.UtcNow + timeout;
        const string behind =
            $"select (select coalesce(max(seq_id), 0) from {Events}) - " +
            "coalesce((select last_seq_id from fieldwork.mt_event_progression where name = 'EventChain:All'), 0)";
        while (true)
        {
            var gap = long.Parse(await ScalarAsync(connection, behind), CultureInfo.InvariantCulture);
            if (gap <= 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The async daemon is still {gap} events behind after {timeout}.");
            await Task.Delay(100);
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<string>();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }
}
