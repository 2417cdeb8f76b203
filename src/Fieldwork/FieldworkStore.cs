using System.Text.Json;
using System.Text.Json.Serialization;
using Fieldwork.Coding;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Idempotency;
using Fieldwork.Links;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Sites;
using Fieldwork.Timeline;
using Fieldwork.Uniqueness;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Weasel.Core;

namespace Fieldwork;

/// <summary>
/// The event store and documents of Fieldwork, configured once for the API, the tests and
/// the benchmarks alike.
/// </summary>
public static class FieldworkStore
{
    public const string Schema = "fieldwork";

    /// <summary>
    /// Npgsql settings the store works best with, unless the connection string sets them: the
    /// same few statements run on every request, so Npgsql prepares them once per physical
    /// connection instead of PostgreSQL parsing and planning each one every time.
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            // Sessions leave no state behind (no SET, no temp tables, no session-level locks), so
            // a pooled connection needs no DISCARD ALL when it is handed out again.
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public static void Configure(StoreOptions opts, string connectionString)
    {
        opts.Connection(Tuned(connectionString));
        opts.DatabaseSchemaName = Schema;
        // One connection per session, held until it is disposed, instead of a pool checkout per
        // command: a request's reads and its write then cost one checkout each session.
        opts.UseStickyConnectionLifetimes = true;
        opts.Projections.RebuildWithBulkCopy = true;
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase,
            configure: o => o.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));

        opts.Events.StreamIdentity = StreamIdentity.AsGuid;
        opts.Events.MetadataConfig.EnableAll();
        opts.Events.MetadataConfig.UserNameEnabled = true;
        opts.Events.UseMandatoryStreamTypeDeclaration = true;
        // Rich appends give inline projections the real stream version and sequence, which
        // read models expose as `version` and time travel orders by.
        opts.Events.AppendMode = EventAppendMode.Rich;

        opts.Events.AddEventTypes([typeof(EvaluationCreated), typeof(WaveDefined), typeof(MemberRoleGranted), typeof(MemberRemoved)]);
        opts.Projections.Snapshot<Evaluation>(SnapshotLifecycle.Inline);

        opts.Events.AddEventTypes([typeof(SiteEnrolled), typeof(SiteAttributesChanged), typeof(SiteWithdrawn)]);
        opts.Projections.Add<SiteTimelineProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<SiteTimeline>().Duplicate(x => x.EvaluationId);

        opts.Events.AddEventTypes([
            typeof(PairingProposed), typeof(PairingEstablished), typeof(AlignmentAssessed), typeof(KnowledgeExchangeObserved),
            typeof(PairingDissolved), typeof(PairingDatesCorrected),
        ]);
        opts.Projections.Add<PairingTimelineProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<PairingTimeline>().Duplicate(x => x.EvaluationId);

        opts.Events.AddEventType<LinkFormed>();
        opts.Projections.Snapshot<Link>(SnapshotLifecycle.Inline);
        opts.Schema.For<Link>().Duplicate(x => x.EvaluationId);

        opts.Events.AddEventTypes([typeof(ParticipantRegistered), typeof(ConsentChanged), typeof(ParticipantWithdrew), typeof(PersonalDetailsRead),
            typeof(ParticipantReconsented)]);
        opts.Projections.Add<ParticipantTimelineProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<ParticipantTimeline>().Duplicate(x => x.EvaluationId);
        opts.Schema.For<ParticipantKey>().Identity(x => x.Id);

        opts.Events.AddEventTypes([
            typeof(InterviewLogged), typeof(ObservationLogged), typeof(DocumentCaptured), typeof(EvidenceCorrected), typeof(TextVersionAdded),
            typeof(EvidenceVoided),
        ]);
        opts.Projections.Add<EvidenceTimelineProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<EvidenceCountTimelineProjection>(ProjectionLifecycle.Inline);
        // Its own table name since its documents became packed strings: a store from before gets them
        // afresh from the full timelines at start-up (EvidenceCountBackfill), not by reading the old shape.
        opts.Schema.For<EvidenceCountTimeline>().DocumentAlias("evidence_counts").Duplicate(x => x.EvaluationId);
        opts.Schema.For<EvidenceTimeline>().Duplicate(x => x.EvaluationId);
        opts.Schema.For<EvidenceTimeline>().Duplicate(x => x.VisitId);
        opts.Schema.For<TextKey>().Identity(x => x.Id).Duplicate(x => x.EvaluationId);

        opts.Events.AddEventTypes([typeof(Visits.VisitLogged)]);
        opts.Projections.Add<VisitTimelineProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<Visits.VisitTimeline>().Duplicate(x => x.EvaluationId);

        // Codings are found by id from their own events (Coding.CodingLocations, through an index on
        // mt_events): no document per coding. A store from before keeps its mt_doc_codinglocator
        // table, which nothing reads or writes any more.
        opts.Events.AddEventTypes([typeof(CodingApplied), typeof(CodingRemoved)]);
        opts.Events.AddEventTypes([typeof(CodeDefined), typeof(CodeRevised), typeof(CodeMerged), typeof(CodeRetired)]);
        opts.Projections.Add<CodebookProjection>(ProjectionLifecycle.Inline);

        opts.Events.AddEventTypes([
            typeof(Findings.FindingDrafted), typeof(Findings.FindingRevised), typeof(Findings.FindingEvidenceLinked),
            typeof(Findings.FindingEvidenceUnlinked), typeof(Findings.FindingStatusChanged),
        ]);
        opts.Projections.Add<FindingTimelineProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<Findings.FindingTimeline>().Duplicate(x => x.EvaluationId);

        opts.Events.AddEventTypes([typeof(MemoWritten), typeof(MemoRevised)]);
        opts.Projections.Add<MemoTimelineProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<MemoTimeline>().Duplicate(x => x.EvaluationId);

        // Plans: one stream per wave (Coverage.WavePlanTimeline.StreamId), every version kept.
        opts.Events.AddEventType<Coverage.WavePlanSet>();
        opts.Projections.Add<WavePlanTimelineProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<Coverage.WavePlanTimeline>().Duplicate(x => x.EvaluationId);

        RebuildSettings.Apply(opts);

        // The integrity chain: one link per stored event, extended by the async daemon in log order.
        var chain = new Weasel.Postgresql.Tables.Table(new Weasel.Postgresql.PostgresqlObjectName(Schema, Integrity.EventChain.Table, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        chain.AddColumn<long>("seq_id").AsPrimaryKey();
        chain.AddColumn("hash", "bytea").NotNull();
        opts.Storage.ExtendedSchemaObjects.Add(chain);
        // Which link format applies from which sequence: a store chained before format 2 keeps its format 1 links.
        var formats = new Weasel.Postgresql.Tables.Table(new Weasel.Postgresql.PostgresqlObjectName(Schema, Integrity.EventChain.FormatTable, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        formats.AddColumn<int>("format").AsPrimaryKey();
        formats.AddColumn<long>("from_seq").NotNull();
        formats.AddColumn("recorded_at", "timestamptz").NotNull();
        opts.Storage.ExtendedSchemaObjects.Add(formats);
        opts.Projections.Add(new Integrity.EventChainProjection(), ProjectionLifecycle.Async, "EventChain");
        // Each evaluation's own chain, extended in the same batches, and whole-store verifications run in the background.
        Integrity.EvaluationChain.Configure(opts, Schema);
        // Indexes on mt_events for the reads that filter raw events (by evaluation, the disclosure log).
        EventIndexes.Configure(opts, Schema);

        opts.Schema.For<CreationRecord>().Identity(x => x.Id);
        opts.Schema.For<Exchange.ImportRecord>().Identity(x => x.Id);
        opts.Schema.For<Secrets.KeyEncryptionRecord>().Identity(x => x.Id);
        opts.Schema.For<UniqueClaim>().Identity(x => x.Id);
    }
}
