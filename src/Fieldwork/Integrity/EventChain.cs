using System.Security.Cryptography;
using System.Text;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;

namespace Fieldwork.Integrity;

/// <summary>One stored event as PostgreSQL returns it: every field as text, exactly as hashed.</summary>
public sealed record ChainRow(long Sequence, string StreamId, string Type, string Timestamp, string Data);

/// <summary>What a check of the chain found.</summary>
public sealed record ChainReport(bool Ok, long Checked, string Head, long? FirstBrokenSequence, long Pending);

/// <summary>
/// A hash chain over every event of the store: each link is SHA-256 over the previous link and
/// the event's sequence, stream, type, timestamp and data, as PostgreSQL returns them (jsonb
/// reorders keys, so the stored text is what counts, not what the application serialised).
/// Changing, inserting or deleting any stored event breaks every link from it on; an auditor who
/// keeps the head outside the system catches a rewrite of events and chain together.
/// </summary>
public static class EventChain
{
    public const string Table = "fw_event_chain";

    /// <summary>The link before the first event.</summary>
    public static readonly byte[] Genesis = new byte[32];

    /// <summary>The same text for every reader: SQL selects of each field, timestamps in UTC to the microsecond.</summary>
    public static string Columns(string alias) =>
        $"{alias}.seq_id, coalesce({alias}.stream_id::text, ''), {alias}.type, {Timestamp(alias)}, {alias}.data::text";

    /// <summary>UTC to the microsecond; Marten's tombstones (written after a failed append) carry -infinity, kept as that word.</summary>
    public static string Timestamp(string alias) =>
        $"coalesce(to_char({alias}.timestamp at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), {alias}.timestamp::text)";

    public static byte[] Next(byte[] previous, ChainRow row)
    {
        var body = Encoding.UTF8.GetBytes($"{row.Sequence}\n{row.StreamId}\n{row.Type}\n{row.Timestamp}\n{row.Data}");
        var input = new byte[previous.Length + body.Length];
        previous.CopyTo(input, 0);
        body.CopyTo(input, previous.Length);
        return SHA256.HashData(input);
    }

    /// <summary>
    /// Recomputes the chain from the first event and compares it with the stored links, reading
    /// the log in pages. Events the chain has not reached yet are counted as pending, not checked.
    /// A changed or inserted event breaks at its own sequence; a deleted one at the sequence
    /// whose link no longer has its event.
    /// </summary>
    public static async Task<ChainReport> VerifyAsync(NpgsqlDataSource dataSource, string schema, int pageSize = 20_000,
        CancellationToken cancellation = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellation);
        var headSequence = await ScalarAsync<long>(connection, $"select coalesce(max(seq_id), 0) from {schema}.{Table}", cancellation);
        var orphan = await ScalarAsync<long?>(connection,
            $"select min(c.seq_id) from {schema}.{Table} c where not exists (select 1 from {schema}.mt_events e where e.seq_id = c.seq_id)",
            cancellation);
        var previous = Genesis;
        long after = 0, checkedCount = 0;
        long? brokenAt = null;
        while (brokenAt is null)
        {
            await using var command = new NpgsqlCommand(
                $"select {Columns("e")}, c.hash from {schema}.mt_events e left join {schema}.{Table} c on c.seq_id = e.seq_id " +
                "where e.seq_id > $1 and e.seq_id <= $2 order by e.seq_id limit $3", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = after });
            command.Parameters.Add(new NpgsqlParameter { Value = headSequence });
            command.Parameters.Add(new NpgsqlParameter { Value = pageSize });
            var read = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellation))
            {
                while (await reader.ReadAsync(cancellation))
                {
                    read++;
                    var row = new ChainRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));
                    var expected = Next(previous, row);
                    if (reader.IsDBNull(5) || !expected.AsSpan().SequenceEqual((byte[])reader.GetValue(5)))
                    {
                        brokenAt = orphan is { } o && o < row.Sequence ? o : row.Sequence;
                        break;
                    }

                    previous = expected;
                    after = row.Sequence;
                    checkedCount++;
                }
            }

            if (read < pageSize)
            {
                break;
            }
        }

        if (brokenAt is { } broken)
        {
            return new ChainReport(false, checkedCount, await StoredHeadAsync(connection, schema, cancellation), broken, 0);
        }

        var pending = await ScalarAsync<long>(connection, $"select count(*) from {schema}.mt_events where seq_id > {headSequence}", cancellation);
        return orphan is { } lost
            ? new ChainReport(false, checkedCount, await StoredHeadAsync(connection, schema, cancellation), lost, pending)
            : new ChainReport(true, checkedCount, Convert.ToHexStringLower(previous), null, pending);
    }

    /// <summary>The last link: its sequence and hash (the genesis before any event).</summary>
    public static async Task<(long Sequence, byte[] Hash)> HeadAsync(IQuerySession session, CancellationToken cancellation)
    {
        var rows = await session.AdvancedSql.QueryAsync<ChainHead>(
            $"select json_build_object('sequence', seq_id, 'hash', encode(hash, 'hex')) as data from {session.DocumentStore.Options.DatabaseSchemaName}.{Table} order by seq_id desc limit 1",
            cancellation);
        return rows.Count == 0 ? (0, Genesis) : (rows[0].Sequence, Convert.FromHexString(rows[0].Hash));
    }

    private sealed record ChainHead(long Sequence, string Hash);

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellation);
        return value is DBNull or null ? default! : (T)value;
    }

    private static async Task<string> StoredHeadAsync(NpgsqlConnection connection, string schema, CancellationToken cancellation) =>
        await ScalarAsync<string?>(connection, $"select encode(hash, 'hex') from {schema}.{Table} order by seq_id desc limit 1", cancellation)
        ?? Convert.ToHexStringLower(Genesis);
}

/// <summary>
/// Extends the chain as the async daemon follows the log: the daemon hands over events in
/// sequence order up to its high-water mark (never past a transaction still in flight), and each
/// batch links every stored row from the last link up to the batch's last event, in the same
/// transaction as the daemon's progress, so the chain never skips or repeats an event.
/// </summary>
public sealed class EventChainProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        if (events.Count == 0)
        {
            return;
        }

        var schema = operations.DocumentStore.Options.DatabaseSchemaName;
        var (after, previous) = await EventChain.HeadAsync(operations, cancellation);
        var upTo = events.Max(e => e.Sequence);
        var rows = await operations.AdvancedSql.QueryAsync<ChainRow>(
            $"select json_build_object('sequence', r.seq_id, 'streamId', r.stream_id, 'type', r.type, 'timestamp', r.ts, 'data', r.data) as data " +
            $"from (select e.seq_id, coalesce(e.stream_id::text, '') as stream_id, e.type, " +
            $"{EventChain.Timestamp("e")} as ts, e.data::text as data " +
            $"from {schema}.mt_events e where e.seq_id > {after} and e.seq_id <= {upTo} order by e.seq_id) r",
            cancellation);
        if (rows.Count == 0)
        {
            return;
        }

        var sequences = new long[rows.Count];
        var hashes = new byte[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            previous = EventChain.Next(previous, rows[i]);
            sequences[i] = rows[i].Sequence;
            hashes[i] = previous;
        }

        operations.QueueSqlCommand($"insert into {schema}.{EventChain.Table} (seq_id, hash) select * from unnest(?::bigint[], ?::bytea[])",
            sequences, hashes);
    }
}
