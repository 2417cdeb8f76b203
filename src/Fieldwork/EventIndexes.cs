using System.Data.Common;
using DbCommandBuilder = Weasel.Core.DbCommandBuilder;
using Marten;
using Weasel.Core;
using Weasel.Postgresql;

namespace Fieldwork;

/// <summary>
/// Indexes on Marten's <c>mt_events</c> for the reads that filter raw events: by evaluation (the
/// audit list, per-evaluation verify, knownAt resolution), the disclosure log, and codings by id. Marten declares
/// no index on an event's data, so each is a schema object of the store's own (created and
/// updated by Marten's migration with everything else), and Marten is told to leave it alone when
/// it compares <c>mt_events</c> with its own definition.
/// </summary>
public static class EventIndexes
{
    /// <summary>An evaluation's events in log order: the audit list, its count, and verify of one evaluation.</summary>
    public const string ByEvaluation = "mt_events_fw_evaluation";

    /// <summary>An evaluation's events by record time, with their sequence: knownAt resolved within one evaluation.</summary>
    public const string ByEvaluationTime = "mt_events_fw_evaluation_time";

    /// <summary>Reads of personal details by participant: the disclosure log.</summary>
    public const string Disclosures = "mt_events_fw_disclosures";

    /// <summary>
    /// Codings by id, to the evidence item whose stream recorded them (<see cref="Coding.CodingLocations"/>).
    /// Not partial: PostgreSQL keeps statistics on an index's expression only for an index without a
    /// predicate, and without them it guessed a few hundred codings asked for to match half the log
    /// and read all of it (0.4 s on 140,000 events, against 5 ms through this index). Codings are
    /// most events; the others have no <c>codingId</c> and add only small entries.
    /// </summary>
    public const string Codings = "mt_events_fw_codings";

    /// <summary>The text an event's evaluation is filtered on: every query and every index use this one expression.</summary>
    public const string Evaluation = "(data ->> 'evaluationId')";

    /// <summary>The text a coding is found by: its query and its index use this one expression.</summary>
    public const string CodingId = "(data ->> 'codingId')";

    public static IReadOnlyList<EventIndex> All(string schema) =>
    [
        new(schema, ByEvaluation, $"({Evaluation}, seq_id)", null, null),
        new(schema, ByEvaluationTime, $"({Evaluation}, \"timestamp\")", "seq_id", null),
        new(schema, Disclosures, "((data ->> 'participantId'))", null, "type = 'personal_details_read'"),
        new(schema, Codings, $"({CodingId})", null, null),
    ];

    public static void Configure(StoreOptions opts, string schema)
    {
        foreach (var index in All(schema))
        {
            opts.Events.IgnoreIndex(index.Name);
        }

        opts.Storage.Add(new Feature(schema, opts));
    }

    /// <summary>The indexes as a feature of the store that depends on the event store's, so that mt_events exists before them.</summary>
    private sealed class Feature(string schema, StoreOptions opts) : Weasel.Core.Migrations.FeatureSchemaBase("FieldworkEventIndexes", opts.Advanced.Migrator)
    {
        public override IEnumerable<Type> DependentTypes()
        {
            yield return typeof(Marten.Events.EventGraph);
        }

        protected override IEnumerable<ISchemaObject> schemaObjects() => All(schema);
    }
}

/// <summary>
/// One index on <c>mt_events</c> as a schema object: created when missing, dropped and created
/// again when its definition in the database differs (PostgreSQL's own text of it, from
/// <c>pg_indexes</c>, is compared with what <see cref="Create"/> would make, normalised the same way).
/// </summary>
public sealed class EventIndex(string schema, string name, string keys, string? include, string? predicate) : ISchemaObject, ISchemaObjectDelta
{
    public string Name => name;

    public DbObjectName Identifier { get; } = new PostgresqlObjectName(schema, name, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General);

    public string Create =>
        $"create index if not exists {name} on {schema}.mt_events using btree {keys}" +
        (include is null ? "" : $" include ({include})") + (predicate is null ? "" : $" where {predicate}");

    public void WriteCreateStatement(Migrator migrator, TextWriter writer) => writer.WriteLine(Create + ";");

    public void WriteDropStatement(Migrator rules, TextWriter writer) => writer.WriteLine($"drop index if exists {schema}.{name};");

    public void ConfigureQueryCommand(DbCommandBuilder builder)
    {
        builder.Append($"select indexdef from pg_indexes where schemaname = '{schema}' and tablename = 'mt_events' and indexname = '{name}';");
    }

    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        var found = await reader.ReadAsync(ct) ? reader.GetString(0) : null;
        Difference = found is null ? SchemaPatchDifference.Create
            : Normalise(found).Contains(Normalise(keys), StringComparison.Ordinal)
              && (include is null || Normalise(found).Contains(Normalise($"include ({include})"), StringComparison.Ordinal))
              && (predicate is null
                  ? !Normalise(found).Contains("where", StringComparison.Ordinal)
                  : Normalise(found).Contains(Normalise($"where {predicate}"), StringComparison.Ordinal))
                ? SchemaPatchDifference.None
                : SchemaPatchDifference.Update;
        return this;
    }

    private static string Normalise(string sql) =>
        new string(sql.Where(c => !char.IsWhiteSpace(c) && c is not '(' and not ')' and not '"').ToArray())
            .Replace("::text", "", StringComparison.Ordinal).ToLowerInvariant();

    public IEnumerable<DbObjectName> AllNames()
    {
        yield return Identifier;
    }

    public ISchemaObject SchemaObject => this;

    public SchemaPatchDifference Difference { get; private set; }

    public void WriteUpdate(Migrator rules, TextWriter writer)
    {
        if (Difference == SchemaPatchDifference.Update)
        {
            WriteDropStatement(rules, writer);
        }

        WriteCreateStatement(rules, writer);
    }

    public void WriteRollback(Migrator rules, TextWriter writer) => WriteDropStatement(rules, writer);

    public void WriteRestorationOfPreviousState(Migrator rules, TextWriter writer) => WriteDropStatement(rules, writer);
}
