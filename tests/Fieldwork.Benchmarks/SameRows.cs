using Npgsql;
using NpgsqlTypes;

namespace Fieldwork.Benchmarks;

/// <summary>
/// The logging benchmark's second reference: what one logged interview leaves in the database,
/// written by hand. Every interview the API logged during the warm-up left a stream row, two
/// events (the interview, its sealed transcript), the evidence read model, the text key and the
/// creation record; those rows are read back and written again under fresh ids, by plain Npgsql,
/// into tables made <c>like</c> Marten's (indexes included, and the events' foreign key to their
/// stream), after one round trip that reads what the rules read (the evaluation, the sites, the
/// pairing, the participants). Two round trips a request: the read, then the inserts as one batch
/// (one implicit transaction).
/// No HTTP, no .NET objects, no rule, no hash chain: a floor under what any program that keeps
/// these rows for each request could reach on this database, and the API's distance from it is
/// what HTTP, .NET, Marten and Wolverine add.
/// </summary>
internal sealed class SameRows
{
    private const string Schema = FieldworkStore.Schema;

    private sealed record EventRow(string Data, string Type, string? DotnetType, string? Headers, string? Correlation, string? Causation, string? User);

    private sealed record Template(string Timeline, string Key, string Record, EventRow[] Events);

    private readonly NpgsqlDataSource dataSource;
    private readonly Guid evaluationId;
    private readonly Guid[] siteIds;
    private readonly Guid[] participantIds;
    private readonly Template[] templates;

    private SameRows(NpgsqlDataSource dataSource, Guid evaluationId, Guid[] siteIds, Guid[] participantIds, Template[] templates)
    {
        this.dataSource = dataSource;
        this.evaluationId = evaluationId;
        this.siteIds = siteIds;
        this.participantIds = participantIds;
        this.templates = templates;
    }

    /// <summary>Copies the rows of up to <paramref name="count"/> interviews the API logged in <paramref name="evaluationId"/>, and makes empty tables like Marten's for them.</summary>
    public static async Task<SameRows> PrepareAsync(NpgsqlDataSource dataSource, Guid evaluationId, Guid[] siteIds, Guid[] participantIds, int count)
    {
        var documents = new Dictionary<Guid, (string Timeline, string Key, string Record)>();
        await using (var command = dataSource.CreateCommand($"""
            select d.id, d.data::text, k.data::text, r.data::text
            from {Schema}.mt_doc_evidencetimeline d
            join {Schema}.mt_doc_textkey k on k.id = d.id
            join {Schema}.mt_doc_creationrecord r on r.id = d.id
            where d.evaluation_id = $1
            limit $2
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = evaluationId });
            command.Parameters.Add(new NpgsqlParameter { Value = count });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                documents[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2), reader.GetString(3));
            }
        }

        var events = new Dictionary<Guid, List<EventRow>>();
        await using (var command = dataSource.CreateCommand($"""
            select stream_id, data::text, type, mt_dotnet_type, headers::text, correlation_id, causation_id, user_name
            from {Schema}.mt_events where stream_id = any($1) order by stream_id, version
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = documents.Keys.ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                var stream = reader.GetGuid(0);
                if (!events.TryGetValue(stream, out var list))
                {
                    events[stream] = list = [];
                }

                list.Add(new EventRow(reader.GetString(1), reader.GetString(2), Text(3), Text(4), Text(5), Text(6), Text(7)));
            }
        }

        var templates = documents
            .Where(d => events.ContainsKey(d.Key))
            .Select(d => new Template(d.Value.Timeline, d.Value.Key, d.Value.Record, [.. events[d.Key]]))
            .ToArray();
        if (templates.Length == 0)
        {
            throw new InvalidOperationException("The warm-up left no logged interview to copy.");
        }

        await using (var command = dataSource.CreateCommand($"""
            create schema if not exists bench;
            drop table if exists bench.same_events, bench.same_streams, bench.same_timeline, bench.same_keys, bench.same_records;
            drop sequence if exists bench.same_seq;
            create table bench.same_streams (like {Schema}.mt_streams including all);
            create table bench.same_events (like {Schema}.mt_events including all);
            alter table bench.same_events add foreign key (stream_id) references bench.same_streams (id) on delete cascade;
            create table bench.same_timeline (like {Schema}.mt_doc_evidencetimeline including all);
            create table bench.same_keys (like {Schema}.mt_doc_textkey including all);
            create table bench.same_records (like {Schema}.mt_doc_creationrecord including all);
            create sequence bench.same_seq;
            """))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new SameRows(dataSource, evaluationId, siteIds, participantIds, templates);
    }

    /// <summary>Copies in the rows of the <paramref name="i"/>-th template (cycling), in a transaction of its own.</summary>
    public async Task WriteAsync(int i)
    {
        var template = templates[i % templates.Length];
        await using var db = await dataSource.OpenConnectionAsync();

        await using (var read = new NpgsqlBatch(db))
        {
            read.BatchCommands.Add(Command($"select d.data from {Schema}.mt_doc_evaluation as d where id = $1", evaluationId));
            read.BatchCommands.Add(Command($"select d.id, d.data, d.mt_version from {Schema}.mt_doc_sitetimeline as d where id = any($1)", siteIds));
            read.BatchCommands.Add(Command($"select d.id, d.data, d.mt_version from {Schema}.mt_doc_pairingtimeline as d where id = any($1)", Array.Empty<Guid>()));
            read.BatchCommands.Add(Command($"select d.id, d.data, d.mt_version from {Schema}.mt_doc_participanttimeline as d where id = any($1)", participantIds));
            await using var reader = await read.ExecuteReaderAsync();
            do
            {
                while (await reader.ReadAsync())
                {
                    _ = reader.GetString(reader.FieldCount == 1 ? 0 : 1);
                }
            }
            while (await reader.NextResultAsync());
        }

        // One batch is one implicit transaction (a single Sync): all of it commits, or none.
        var stream = Guid.NewGuid();
        await using (var write = new NpgsqlBatch(db))
        {
            write.BatchCommands.Add(Command("insert into bench.same_streams (id, type, version, tenant_id) values ($1, $2, $3, $4)",
                stream, "evidence_timeline", (long)template.Events.Length, "*DEFAULT*"));
            for (var e = 0; e < template.Events.Length; e++)
            {
                var row = template.Events[e];
                var insert = Command("""
                    insert into bench.same_events (seq_id, id, stream_id, version, data, type, mt_dotnet_type, headers, correlation_id, causation_id, user_name, tenant_id)
                    values (nextval('bench.same_seq'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    """, Guid.NewGuid(), stream, (long)(e + 1));
                insert.Parameters.Add(Json(row.Data));
                insert.Parameters.Add(new NpgsqlParameter { Value = row.Type });
                insert.Parameters.Add(Text(row.DotnetType));
                insert.Parameters.Add(Json(row.Headers));
                insert.Parameters.Add(Text(row.Correlation));
                insert.Parameters.Add(Text(row.Causation));
                insert.Parameters.Add(Text(row.User));
                insert.Parameters.Add(new NpgsqlParameter { Value = "*DEFAULT*" });
                write.BatchCommands.Add(insert);
            }

            var timeline = Command("insert into bench.same_timeline (id, data, mt_version, mt_dotnet_type, evaluation_id) values ($1, $2, $3, $4, $5)", stream);
            timeline.Parameters.Add(Json(template.Timeline));
            timeline.Parameters.Add(new NpgsqlParameter { Value = (long)template.Events.Length });
            timeline.Parameters.Add(new NpgsqlParameter { Value = "Fieldwork.Evidence.EvidenceTimeline" });
            timeline.Parameters.Add(new NpgsqlParameter { Value = evaluationId });
            write.BatchCommands.Add(timeline);

            var key = Command("insert into bench.same_keys (id, data, mt_dotnet_type, evaluation_id) values ($1, $2, $3, $4)", stream);
            key.Parameters.Add(Json(template.Key));
            key.Parameters.Add(new NpgsqlParameter { Value = "Fieldwork.Evidence.TextKey" });
            key.Parameters.Add(new NpgsqlParameter { Value = evaluationId });
            write.BatchCommands.Add(key);

            var record = Command("insert into bench.same_records (id, data, mt_dotnet_type) values ($1, $2, $3)", stream);
            record.Parameters.Add(Json(template.Record));
            record.Parameters.Add(new NpgsqlParameter { Value = "Fieldwork.Idempotency.CreationRecord" });
            write.BatchCommands.Add(record);

            await write.ExecuteNonQueryAsync();
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static NpgsqlParameter Json(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb };

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar };
}
