using System.Security.Cryptography;
using System.Text;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;

namespace Fieldwork.Integrity;

/// <summary>
/// One stored event as PostgreSQL returns it: every column of its row as text, exactly as hashed
/// (null where the column is null). Format 1 links use only sequence, stream, type, timestamp and
/// data; format 2 links use every field.
/// </summary>
public sealed record ChainRow(long Sequence, string? StreamId, string Type, string Timestamp, string Data,
    string? EventId = null, string? Version = null, string? TenantId = null, string? UserName = null, string? CorrelationId = null,
    string? CausationId = null, string? Headers = null, string? DotNetType = null, string? IsArchived = null, string? BinaryData = null,
    string? EvaluationId = null);

/// <summary>Whether the log holds: <c>ok</c> (every event chained and verified), <c>pending</c> (verified up to the head, later events not chained yet), <c>broken</c>.</summary>
public enum ChainStatus
{
    Ok,
    Pending,
    Broken,
}

/// <summary>How the log departs from an anchor: see <see cref="ChainReport"/>.</summary>
public enum AnchorBreak
{
    /// <summary>An event at or before the anchor no longer matches its stored link: that event was changed, inserted or deleted.</summary>
    Rewritten,

    /// <summary>Events and links agree but no longer pass through the anchor: both were rewritten at or before the anchored sequence.</summary>
    Recomputed,

    /// <summary>The log ends before the anchored sequence although the store issued it: events after the log's end were deleted.</summary>
    Cut,
}

/// <summary>A point the log passed through earlier: a sequence and the link there, as a verify or a checkpoint reported it.</summary>
public sealed record ChainAnchor(long Sequence, string Head);

/// <summary>The sequence from which a link format applies.</summary>
public sealed record ChainFormat(int Format, long FromSequence);

/// <summary>
/// What a check of the chain found. <c>ok</c> is true only when <c>status</c> is <c>ok</c>.
/// <c>head</c> is the link at <c>headSequence</c>, the last event chained; <c>pending</c> counts the
/// events after it. With an anchor, <c>anchorOk</c> says whether the log still passes through it
/// and, when it does not, <c>anchorBreak</c> and <c>anchorBrokenSequence</c> say how and where.
/// </summary>
public sealed record ChainReport(
    ChainStatus Status,
    bool Ok,
    long Checked,
    long HeadSequence,
    string Head,
    long? FirstBrokenSequence,
    long Pending,
    IReadOnlyList<ChainFormat> Formats,
    bool? AnchorOk = null,
    AnchorBreak? AnchorBreak = null,
    long? AnchorBrokenSequence = null);

/// <summary>
/// A hash chain over every event of the store: each link is SHA-256 over the previous link and
/// the event's row as PostgreSQL returns it (jsonb reorders keys, so the stored text is what
/// counts, not what the application serialised). Format 1 (stores chained before format 2 existed)
/// covers sequence, stream, type, timestamp and data; format 2 covers every column Marten stores
/// per event, the user, causation, correlation, headers and tenant among them. The table
/// <see cref="FormatTable"/> records the sequence from which format 2 applies. Changing, inserting
/// or deleting any stored event breaks every link from it on; an auditor who keeps a (sequence,
/// head) anchor or a signed checkpoint outside the system catches a rewrite of events and chain
/// together, and a cut tail.
/// </summary>
public static class EventChain
{
    public const string Table = "fw_event_chain";

    /// <summary>Which link format applies from which sequence (one row per format after the first).</summary>
    public const string FormatTable = "fw_event_chain_format";

    /// <summary>The format the projection writes now.</summary>
    public const int CurrentFormat = 2;

    /// <summary>The link before the first event.</summary>
    public static readonly byte[] Genesis = new byte[32];

    /// <summary>The first text of every format 2 link body: keeps the two formats' inputs apart.</summary>
    public const string Format2Tag = "fieldwork-chain/2";

    /// <summary>
    /// Every field of a row, in hashing order, as the SQL that reads it as text: timestamps in UTC
    /// to the microsecond, binary data as lowercase hex, everything else as PostgreSQL casts it.
    /// </summary>
    private static (string Name, string Sql)[] Fields(string alias) =>
    [
        ("sequence", $"{alias}.seq_id"),
        ("streamId", $"{alias}.stream_id::text"),
        ("type", $"{alias}.type::text"),
        ("timestamp", Timestamp(alias)),
        ("data", $"{alias}.data::text"),
        ("eventId", $"{alias}.id::text"),
        ("version", $"{alias}.version::text"),
        ("tenantId", $"{alias}.tenant_id::text"),
        ("userName", $"{alias}.user_name::text"),
        ("correlationId", $"{alias}.correlation_id::text"),
        ("causationId", $"{alias}.causation_id::text"),
        ("headers", $"{alias}.headers::text"),
        ("dotNetType", $"{alias}.mt_dotnet_type::text"),
        ("isArchived", $"{alias}.is_archived::text"),
        ("binaryData", $"encode({alias}.bdata, 'hex')"),
    ];

    /// <summary>The same text for every reader: SQL selects of each field of <see cref="ChainRow"/>, in its order.</summary>
    public static string Columns(string alias) => string.Join(", ", ColumnList(alias));

    /// <summary>Each field's SQL apart, in <see cref="ChainRow"/>'s order.</summary>
    public static IEnumerable<string> ColumnList(string alias) => Fields(alias).Select(f => f.Sql);

    /// <summary>The same fields as one JSON object, for reads through Marten.</summary>
    public static string JsonObject(string alias) =>
        "json_build_object(" + string.Join(", ", Fields(alias).Select(f => $"'{f.Name}', {f.Sql}")) + ")";

    /// <summary>The same object with the evaluation the event is about (<see cref="ChainRow.EvaluationId"/>), for the chains of each evaluation.</summary>
    public static string JsonObjectWithEvaluation(string alias) =>
        "json_build_object(" + string.Join(", ", Fields(alias).Select(f => $"'{f.Name}', {f.Sql}")) +
        $", 'evaluationId', {alias}.data ->> 'evaluationId')";

    /// <summary>UTC to the microsecond; Marten's tombstones (written after a failed append) carry -infinity, kept as that word.</summary>
    public static string Timestamp(string alias) =>
        $"coalesce(to_char({alias}.timestamp at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), {alias}.timestamp::text)";

    /// <summary>Reads a row selected with <see cref="Columns"/>, starting at column <paramref name="first"/>.</summary>
    public static ChainRow Read(NpgsqlDataReader reader, int first = 0)
    {
        string? Text(int i) => reader.IsDBNull(first + i) ? null : reader.GetString(first + i);
        return new ChainRow(reader.GetInt64(first), Text(1), Text(2)!, Text(3)!, Text(4)!, Text(5), Text(6), Text(7), Text(8), Text(9),
            Text(10), Text(11), Text(12), Text(13), Text(14));
    }

    /// <summary>The link after <paramref name="previous"/> for <paramref name="row"/> in the given format.</summary>
    public static byte[] Next(byte[] previous, ChainRow row, int format) => format switch
    {
        1 => Hash(previous, Format1(row)),
        2 => Hash(previous, Format2(row)),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Link formats are 1 and 2."),
    };

    /// <summary>Format 1: sequence, stream, type, timestamp and data, joined by newlines (a null stream as empty text).</summary>
    public static byte[] Format1(ChainRow row) =>
        Encoding.UTF8.GetBytes($"{row.Sequence}\n{row.StreamId ?? ""}\n{row.Type}\n{row.Timestamp}\n{row.Data}");

    /// <summary>
    /// Format 2: the tag line, then every field in <see cref="ChainRow"/>'s order, each as its
    /// UTF-8 byte length, a colon, the text and a newline, or a lone <c>-</c> and a newline for
    /// null: no field can run into the next, and null differs from empty.
    /// </summary>
    public static byte[] Format2(ChainRow row) => LengthPrefixed(Format2Tag,
    [
        row.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), row.StreamId, row.Type, row.Timestamp, row.Data,
        row.EventId, row.Version, row.TenantId, row.UserName, row.CorrelationId, row.CausationId, row.Headers, row.DotNetType,
        row.IsArchived, row.BinaryData,
    ]);

    /// <summary>The tag line, then each field as its UTF-8 byte length, a colon, the text and a newline, or <c>-</c> and a newline for null.</summary>
    public static byte[] LengthPrefixed(string tag, IEnumerable<string?> fields)
    {
        var text = new StringBuilder(tag).Append('\n');
        foreach (var field in fields)
        {
            if (field is null)
            {
                text.Append("-\n");
            }
            else
            {
                text.Append(Encoding.UTF8.GetByteCount(field).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':')
                    .Append(field).Append('\n');
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>SHA-256 over the previous link followed by the body.</summary>
    public static byte[] Link(byte[] previous, byte[] body) => Hash(previous, body);

    private static byte[] Hash(byte[] previous, byte[] body)
    {
        var input = new byte[previous.Length + body.Length];
        previous.CopyTo(input, 0);
        body.CopyTo(input, previous.Length);
        return SHA256.HashData(input);
    }

    /// <summary>The format of the link at <paramref name="sequence"/>, given the sequence from which format 2 applies (null: not yet).</summary>
    public static int FormatAt(long sequence, long? format2From) => format2From is { } from && sequence >= from ? 2 : 1;

    /// <summary>
    /// The highest sequence the store has issued: the event sequence's last value, the daemon's
    /// marks, the last event and the last link, whichever is highest. Deleting events does not
    /// lower it; an anchor beyond it was never a sequence of this store (or its counters were
    /// wound back too).
    /// </summary>
    public static async Task<long> IssuedAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellation = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellation);
        return await ScalarAsync<long>(connection,
            $"select greatest(" +
            $"coalesce((select case when is_called then last_value end from {schema}.mt_events_sequence), 0), " +
            $"coalesce((select max(seq_id) from {schema}.mt_events), 0), " +
            $"coalesce((select max(seq_id) from {schema}.{Table}), 0), " +
            $"coalesce((select max(last_seq_id) from {schema}.mt_event_progression), 0))", cancellation);
    }

    /// <summary>
    /// Recomputes the chain from the first event and compares it with the stored links, reading
    /// the log in pages. Events the chain has not reached yet are counted as pending, not checked
    /// (but hashed, when the anchor lies among them). A changed or inserted event breaks at its own
    /// sequence; a deleted one at the sequence whose link no longer has its event. With an
    /// anchor, the chain recomputed from the events alone must pass through it.
    /// </summary>
    public static async Task<ChainReport> VerifyAsync(NpgsqlDataSource dataSource, string schema, ChainAnchor? anchor = null,
        int pageSize = 20_000, CancellationToken cancellation = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellation);
        var headSequence = await ScalarAsync<long>(connection, $"select coalesce(max(seq_id), 0) from {schema}.{Table}", cancellation);
        var format2From = await ScalarAsync<long?>(connection, $"select min(from_seq) from {schema}.{FormatTable} where format = 2", cancellation);
        var orphan = await ScalarAsync<long?>(connection,
            $"select min(c.seq_id) from {schema}.{Table} c where not exists (select 1 from {schema}.mt_events e where e.seq_id = c.seq_id)",
            cancellation);
        var upTo = Math.Max(headSequence, anchor?.Sequence ?? 0);
        var previous = Genesis;
        byte[]? verifiedHead = null;
        long after = 0, checkedCount = 0;
        long? brokenAt = null;
        byte[]? atAnchor = null;
        while (true)
        {
            await using var command = new NpgsqlCommand(
                $"select {Columns("e")}, c.hash from {schema}.mt_events e left join {schema}.{Table} c on c.seq_id = e.seq_id " +
                "where e.seq_id > $1 and e.seq_id <= $2 order by e.seq_id limit $3", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = after });
            command.Parameters.Add(new NpgsqlParameter { Value = upTo });
            command.Parameters.Add(new NpgsqlParameter { Value = pageSize });
            var read = 0;
            var done = false;
            await using (var reader = await command.ExecuteReaderAsync(cancellation))
            {
                while (await reader.ReadAsync(cancellation))
                {
                    read++;
                    var row = Read(reader);
                    var expected = Next(previous, row, FormatAt(row.Sequence, format2From));
                    if (brokenAt is null && row.Sequence <= headSequence)
                    {
                        if (reader.IsDBNull(15) || !expected.AsSpan().SequenceEqual((byte[])reader.GetValue(15)))
                        {
                            brokenAt = orphan is { } o && o < row.Sequence ? o : row.Sequence;
                        }
                        else
                        {
                            checkedCount++;
                            verifiedHead = expected;
                        }
                    }

                    if (anchor is not null && row.Sequence == anchor.Sequence)
                    {
                        atAnchor = expected;
                    }

                    previous = expected;
                    after = row.Sequence;
                    if (brokenAt is not null && (anchor is null || row.Sequence >= anchor.Sequence))
                    {
                        done = true;
                        break;
                    }
                }
            }

            if (done || read < pageSize)
            {
                break;
            }
        }

        // The log's last event: an anchor beyond it, on a sequence the store issued, means a cut tail.
        var lastEvent = await ScalarAsync<long>(connection, $"select coalesce(max(seq_id), 0) from {schema}.mt_events", cancellation);
        brokenAt ??= orphan;
        var formats = format2From is { } f2 && f2 > 1
            ? new[] { new ChainFormat(1, 1), new ChainFormat(2, f2) }
            : format2From is not null || headSequence == 0 ? new[] { new ChainFormat(2, 1) } : new[] { new ChainFormat(1, 1) };

        bool? anchorOk = null;
        AnchorBreak? how = null;
        long? where = null;
        if (anchor is not null)
        {
            anchorOk = atAnchor is not null && Convert.ToHexStringLower(atAnchor) == anchor.Head.ToLowerInvariant();
            if (anchorOk == false)
            {
                (how, where) = brokenAt is { } b && b <= anchor.Sequence ? (AnchorBreak.Rewritten, b)
                    : lastEvent < anchor.Sequence ? (AnchorBreak.Cut, lastEvent + 1)
                    : (AnchorBreak.Recomputed, anchor.Sequence);
            }
        }

        var pending = await ScalarAsync<long>(connection, $"select count(*) from {schema}.mt_events where seq_id > {headSequence}", cancellation);
        if (brokenAt is not null || anchorOk == false)
        {
            return new ChainReport(ChainStatus.Broken, false, checkedCount, headSequence, await StoredHeadAsync(connection, schema, cancellation),
                brokenAt, pending, formats, anchorOk, how, where);
        }

        var status = pending > 0 ? ChainStatus.Pending : ChainStatus.Ok;
        return new ChainReport(status, status == ChainStatus.Ok, checkedCount, headSequence, Convert.ToHexStringLower(verifiedHead ?? Genesis),
            null, pending, formats, anchorOk);
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
/// transaction as the daemon's progress, so the chain never skips or repeats an event. Links are
/// written in the current format; the first batch to do so records the sequence it starts from.
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
            $"select {EventChain.JsonObjectWithEvaluation("e")} as data from {schema}.mt_events e " +
            $"where e.seq_id > {after} and e.seq_id <= {upTo} order by e.seq_id",
            cancellation);
        if (rows.Count == 0)
        {
            return;
        }

        var sequences = new long[rows.Count];
        var hashes = new byte[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            previous = EventChain.Next(previous, rows[i], EventChain.CurrentFormat);
            sequences[i] = rows[i].Sequence;
            hashes[i] = previous;
        }

        // Once per store: from here on, links are format 2 (a store chained before keeps its format 1 links as they are).
        operations.QueueSqlCommand(
            $"insert into {schema}.{EventChain.FormatTable} (format, from_seq, recorded_at) values (?, ?, now()) on conflict (format) do nothing",
            EventChain.CurrentFormat, sequences[0]);
        operations.QueueSqlCommand($"insert into {schema}.{EventChain.Table} (seq_id, hash) select * from unnest(?::bigint[], ?::bytea[])",
            sequences, hashes);

        // The same batch extends each evaluation's own chain (and, once after an upgrade, chains what came before).
        await EvaluationChain.ExtendAsync(operations, upTo, rows, cancellation);
    }
}
