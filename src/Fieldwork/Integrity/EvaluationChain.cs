using System.Globalization;
using Marten;
using Npgsql;

namespace Fieldwork.Integrity;

/// <summary>
/// What a check of one evaluation's chain found. <c>position</c>s count the evaluation's own
/// events (1, 2, ...); sequences are the store's. <c>verifiedFrom</c> is the position the check
/// started after (0: from the evaluation's first event; more: from a signed checkpoint whose head
/// the stored links still pass through). <c>headPosition</c>, <c>headSequence</c> and <c>head</c>
/// are the last link of the evaluation's chain; <c>pending</c> counts its events not chained yet.
/// With an anchor, <c>anchorOk</c>, <c>anchorBreak</c> and <c>anchorBrokenPosition</c> as for the
/// store's chain. <c>checkpoint</c>: the head just verified, signed (null when broken).
/// </summary>
public sealed record EvaluationChainReport(
    Guid EvaluationId,
    ChainStatus Status,
    bool Ok,
    long Checked,
    long VerifiedFrom,
    long HeadPosition,
    long HeadSequence,
    string Head,
    long? FirstBrokenSequence,
    long? FirstBrokenPosition,
    long Pending,
    bool? AnchorOk = null,
    AnchorBreak? AnchorBreak = null,
    long? AnchorBrokenPosition = null,
    EvaluationCheckpoint? Checkpoint = null);

/// <summary>A point one evaluation's chain passed through: a position and the link there.</summary>
public sealed record EvaluationAnchor(long Position, string Head);

/// <summary>
/// A hash chain per evaluation, beside the store's chain: link <c>k</c> of an evaluation is
/// SHA-256 over link <c>k-1</c> and its <c>k</c>-th event, over every column of the event's row
/// except the store's sequence, with the evaluation and the position in its place. Nothing in a
/// link depends on another evaluation or on the store's sequence numbers, so verifying one
/// evaluation reads only its own events and links (through the index of events by evaluation),
/// and an evaluation copied to a database of its own, its events in order with their columns,
/// recomputes the very same links: its anchors and checkpoints hold there, and no other
/// evaluation's chain notices it left.
/// </summary>
public static class EvaluationChain
{
    public const string Table = "fw_evaluation_chain";

    /// <summary>The store sequence up to which every evaluation's chain is extended (one row).</summary>
    public const string MarkTable = "fw_evaluation_chain_mark";

    /// <summary>The last signed checkpoint of each evaluation's chain that verify reached: where the next verify may start.</summary>
    public const string CheckpointTable = "fw_evaluation_checkpoint";

    public const string Tag = "fieldwork-evaluation-chain/1";

    private const int Page = 20_000;

    /// <summary>The chains' tables, created and updated by Marten's migration with the rest of the store.</summary>
    public static void Configure(StoreOptions opts, string schema)
    {
        var evaluationChain = new Weasel.Postgresql.Tables.Table(new Weasel.Postgresql.PostgresqlObjectName(schema, Table, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        evaluationChain.AddColumn("evaluation_id", "text").AsPrimaryKey();
        evaluationChain.AddColumn<long>("position").AsPrimaryKey();
        evaluationChain.AddColumn<long>("seq_id").NotNull();
        evaluationChain.AddColumn("hash", "bytea").NotNull();
        opts.Storage.ExtendedSchemaObjects.Add(evaluationChain);
        var mark = new Weasel.Postgresql.Tables.Table(new Weasel.Postgresql.PostgresqlObjectName(schema, MarkTable, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        mark.AddColumn<int>("id").AsPrimaryKey();
        mark.AddColumn<long>("up_to").NotNull();
        opts.Storage.ExtendedSchemaObjects.Add(mark);
        var checkpoints = new Weasel.Postgresql.Tables.Table(new Weasel.Postgresql.PostgresqlObjectName(schema, CheckpointTable, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        checkpoints.AddColumn("evaluation_id", "text").AsPrimaryKey();
        checkpoints.AddColumn<long>("position").NotNull();
        checkpoints.AddColumn("head", "text").NotNull();
        checkpoints.AddColumn("time", "timestamptz").NotNull();
        checkpoints.AddColumn("message", "text").NotNull();
        checkpoints.AddColumn("signature", "text").NotNull();
        checkpoints.AddColumn("key_id", "text").NotNull();
        opts.Storage.ExtendedSchemaObjects.Add(checkpoints);
        // Whole-store verifications run in the background (their status is a document).
        opts.Schema.For<StoreVerification>().Identity(x => x.Id);
    }

    /// <summary>
    /// The body of an evaluation link: the tag line, then the evaluation, the position and every
    /// field of the row but its sequence, length-prefixed as in the store's format 2.
    /// </summary>
    public static byte[] Body(string evaluationId, long position, ChainRow row) => EventChain.LengthPrefixed(Tag,
    [
        evaluationId, position.ToString(CultureInfo.InvariantCulture), row.StreamId, row.Type, row.Timestamp, row.Data, row.EventId, row.Version,
        row.TenantId, row.UserName, row.CorrelationId, row.CausationId, row.Headers, row.DotNetType, row.IsArchived, row.BinaryData,
    ]);

    public static byte[] Next(byte[] previous, string evaluationId, long position, ChainRow row) =>
        EventChain.Link(previous, Body(evaluationId, position, row));

    /// <summary>
    /// Extends every evaluation's chain with the stored events up to <paramref name="upTo"/>, in the
    /// daemon's transaction. <paramref name="latest"/> are the rows the store's chain just linked;
    /// events before them that no evaluation chain covers yet (a store chained before evaluation
    /// chains existed) are read and linked first, in pages.
    /// </summary>
    public static async Task ExtendAsync(IDocumentOperations operations, long upTo, IReadOnlyList<ChainRow> latest, CancellationToken cancellation)
    {
        var schema = operations.DocumentStore.Options.DatabaseSchemaName;
        var marks = await operations.AdvancedSql.QueryAsync<long>($"select up_to from {schema}.{MarkTable} where id = 1", cancellation);
        var after = marks.Count == 0 ? 0 : marks[0];
        if (after >= upTo)
        {
            return;
        }

        var heads = new Dictionary<string, (long Position, byte[] Hash)>(StringComparer.Ordinal);
        var evaluations = new List<string>();
        var positions = new List<long>();
        var sequences = new List<long>();
        var hashes = new List<byte[]>();
        var firstLatest = latest.Count == 0 ? upTo + 1 : latest[0].Sequence;
        while (after < firstLatest - 1)
        {
            var page = await operations.AdvancedSql.QueryAsync<ChainRow>(
                $"select {EventChain.JsonObjectWithEvaluation("e")} as data from {schema}.mt_events e " +
                $"where e.seq_id > {after} and e.seq_id < {Math.Min(firstLatest, upTo + 1)} order by e.seq_id limit {Page}",
                cancellation);
            await LinkAsync(page);
            if (page.Count < Page)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        await LinkAsync([.. latest.Where(r => r.Sequence <= upTo)]);
        if (evaluations.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {schema}.{Table} (evaluation_id, position, seq_id, hash) select * from unnest(?::text[], ?::bigint[], ?::bigint[], ?::bytea[])",
                evaluations.ToArray(), positions.ToArray(), sequences.ToArray(), hashes.ToArray());
        }

        operations.QueueSqlCommand(
            $"insert into {schema}.{MarkTable} (id, up_to) values (1, ?) on conflict (id) do update set up_to = excluded.up_to", upTo);

        async Task LinkAsync(IReadOnlyList<ChainRow> rows)
        {
            var unknown = rows.Select(r => r.EvaluationId).OfType<string>().Distinct().Where(e => !heads.ContainsKey(e)).ToArray();
            if (unknown.Length > 0)
            {
                foreach (var head in await operations.AdvancedSql.QueryAsync<StoredHead>(
                    $"select json_build_object('evaluationId', evaluation_id, 'position', position, 'hash', encode(hash, 'hex')) as data " +
                    $"from (select distinct on (evaluation_id) evaluation_id, position, hash from {schema}.{Table} " +
                    "where evaluation_id = any(?) order by evaluation_id, position desc) h", cancellation, [unknown]))
                {
                    heads[head.EvaluationId] = (head.Position, Convert.FromHexString(head.Hash));
                }
            }

            foreach (var row in rows)
            {
                if (row.EvaluationId is not { } evaluation)
                {
                    continue;
                }

                var (position, previous) = heads.TryGetValue(evaluation, out var found) ? found : (0, EventChain.Genesis);
                var link = Next(previous, evaluation, position + 1, row);
                heads[evaluation] = (position + 1, link);
                evaluations.Add(evaluation);
                positions.Add(position + 1);
                sequences.Add(row.Sequence);
                hashes.Add(link);
            }
        }
    }

    private sealed record StoredHead(string EvaluationId, long Position, string Hash);

    /// <summary>
    /// Recomputes one evaluation's chain from its events and compares it with its stored links,
    /// reading only that evaluation's events and links. From <paramref name="start"/> (a signed
    /// checkpoint, trusted), only what follows it is recomputed, once the stored link at its
    /// position is seen to be its head; else from the evaluation's first event. The k-th event
    /// must carry the k-th link: a changed event breaks at its own sequence, an inserted one at
    /// its sequence, a deleted one at the sequence its link still names. With
    /// <paramref name="anchor"/>, the chain recomputed from the events alone must pass through it.
    /// </summary>
    public static async Task<EvaluationChainReport> VerifyAsync(NpgsqlDataSource dataSource, string schema, Guid evaluationId,
        EvaluationAnchor? anchor = null, EvaluationAnchor? start = null, CancellationToken cancellation = default)
    {
        var evaluation = evaluationId.ToString();
        await using var connection = await dataSource.OpenConnectionAsync(cancellation);
        var (headPosition, headSequence, storedHead) = await LinkAtAsync(connection, schema, evaluation, null, cancellation);
        var from = 0L;
        var afterSequence = 0L;
        var previous = EventChain.Genesis;
        if (anchor is null && start is not null)
        {
            var (position, sequence, hash) = await LinkAtAsync(connection, schema, evaluation, start.Position, cancellation);
            if (position != start.Position || hash != start.Head.ToLowerInvariant())
            {
                // The links no longer pass through a head this store signed: rewritten with their links, or cut.
                var how = position != start.Position ? AnchorBreak.Cut : AnchorBreak.Recomputed;
                return new EvaluationChainReport(evaluationId, ChainStatus.Broken, false, 0, start.Position, headPosition, headSequence, storedHead,
                    null, null, 0, false, how, how == AnchorBreak.Cut ? headPosition + 1 : start.Position);
            }

            (from, afterSequence, previous) = (position, sequence, Convert.FromHexString(hash));
        }

        await using var command = new NpgsqlCommand(
            $"select ev.position, {string.Join(", ", Enumerable.Range(0, 15).Select(i => $"ev.c{i}"))}, l.position, l.seq_id, l.hash " +
            $"from (select row_number() over (order by e.seq_id + 0) + {from.ToString(CultureInfo.InvariantCulture)} as position, {Aliased("e")} from {schema}.mt_events e " +
            $"      where {EventIndexes.Evaluation} = $1 and e.seq_id > {afterSequence.ToString(CultureInfo.InvariantCulture)}) ev " +
            $"full join (select position, seq_id, hash from {schema}.{Table} where evaluation_id = $1 and position > {from.ToString(CultureInfo.InvariantCulture)}) l on l.position = ev.position " +
            "order by coalesce(ev.position, l.position)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = evaluation });

        long checkedCount = 0, pending = 0, lastPosition = from;
        long? brokenSequence = null, brokenPosition = null;
        byte[]? verifiedHead = from > 0 ? previous : null;
        byte[]? atAnchor = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                long? linkPosition = reader.IsDBNull(16) ? null : reader.GetInt64(16);
                long? linkSequence = reader.IsDBNull(17) ? null : reader.GetInt64(17);
                if (reader.IsDBNull(0))
                {
                    // A link whose event is gone: the evaluation's last events were deleted (or moved out of it).
                    if (brokenSequence is null)
                    {
                        (brokenSequence, brokenPosition) = (linkSequence, linkPosition);
                    }

                    continue;
                }

                var position = reader.GetInt64(0);
                var row = EventChain.Read(reader, 1);
                var expected = Next(previous, evaluation, position, row);
                if (position > headPosition)
                {
                    pending++;
                }
                else if (brokenSequence is null)
                {
                    if (linkSequence != row.Sequence || !expected.AsSpan().SequenceEqual((byte[])reader.GetValue(18)))
                    {
                        brokenSequence = linkSequence is { } s ? Math.Min(s, row.Sequence) : row.Sequence;
                        brokenPosition = position;
                    }
                    else
                    {
                        checkedCount++;
                        verifiedHead = expected;
                    }
                }

                if (anchor is not null && position == anchor.Position)
                {
                    atAnchor = expected;
                }

                previous = expected;
                lastPosition = position;
                if (brokenSequence is not null && (anchor is null || position >= anchor.Position))
                {
                    break;
                }
            }
        }

        bool? anchorOk = null;
        AnchorBreak? anchorBreak = null;
        long? anchorBrokenPosition = null;
        if (anchor is not null)
        {
            anchorOk = atAnchor is not null && Convert.ToHexStringLower(atAnchor) == anchor.Head.ToLowerInvariant();
            if (anchorOk == false)
            {
                (anchorBreak, anchorBrokenPosition) = brokenPosition is { } b && b <= anchor.Position ? (AnchorBreak.Rewritten, b)
                    : lastPosition < anchor.Position && atAnchor is null ? (AnchorBreak.Cut, lastPosition + 1)
                    : (AnchorBreak.Recomputed, anchor.Position);
            }
        }

        if (brokenSequence is not null || anchorOk == false)
        {
            return new EvaluationChainReport(evaluationId, ChainStatus.Broken, false, checkedCount, from, headPosition, headSequence, storedHead,
                brokenSequence, brokenPosition, pending, anchorOk, anchorBreak, anchorBrokenPosition);
        }

        var status = pending > 0 ? ChainStatus.Pending : ChainStatus.Ok;
        return new EvaluationChainReport(evaluationId, status, status == ChainStatus.Ok, checkedCount, from, headPosition, headSequence,
            Convert.ToHexStringLower(verifiedHead ?? EventChain.Genesis), null, null, pending, anchorOk);
    }

    // Above: seq_id + 0 orders the evaluation's events without the primary key, and the sequence and position to
    // start after are written into the text, not parameters: a prepared statement's generic plan, not knowing
    // them, reads the log from that sequence to its end through the primary key instead of the evaluation's index.
    /// <summary>The chain's fields of a row, aliased c0..c14 in <see cref="ChainRow"/>'s order.</summary>
    private static string Aliased(string alias) =>
        string.Join(", ", EventChain.ColumnList(alias).Select((sql, i) => $"{sql} as c{i}"));

    /// <summary>The link at <paramref name="position"/> (null: the last one): its position, sequence and hash, or (0, 0, genesis).</summary>
    private static async Task<(long Position, long Sequence, string Hash)> LinkAtAsync(NpgsqlConnection connection, string schema, string evaluation,
        long? position, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select position, seq_id, encode(hash, 'hex') from {schema}.{Table} where evaluation_id = $1 " +
            (position is null ? "order by position desc limit 1" : "and position = $2"), connection);
        command.Parameters.Add(new NpgsqlParameter { Value = evaluation });
        if (position is { } p)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation)
            ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2))
            : (0, 0, Convert.ToHexStringLower(EventChain.Genesis));
    }
}
