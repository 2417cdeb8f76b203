using JasperFx.Events.Projections;
using Marten;

namespace Fieldwork.Timeline;

/// <summary>
/// How Marten's daemon rebuilds the inline read models (after a projection changes): each read
/// model written once per flush window instead of once per page of events that touches it, pages
/// of 2,000 events, and a connection that plans every page for its own range. Measured in
/// docs/benchmarks.md ("2026-12-01, build costs").
/// </summary>
public static class RebuildSettings
{
    /// <summary>
    /// Read models held in memory, folded, before a rebuild writes them (Marten's deferred rebuild
    /// flush, <c>RebuildFlushThreshold</c>): an evidence item's events are spread over years of the
    /// log, so without it each item was written again in every page of events holding one of its codings.
    /// </summary>
    public const int FlushThreshold = 10_000;

    /// <summary>Events per page the daemon reads (Marten's default is 500).</summary>
    public const int BatchSize = 2_000;

    public static void Apply(StoreOptions opts)
    {
        foreach (var projection in opts.Projections.All.OfType<ProjectionBase>().Where(p => p.Lifecycle == ProjectionLifecycle.Inline))
        {
            projection.Options.RebuildFlushThreshold = FlushThreshold;
            projection.Options.BatchSize = BatchSize;
        }
    }

    /// <summary>
    /// The connection string for a store that rebuilds read models: PostgreSQL plans each page of
    /// events for its own range. On a connection of <see cref="FieldworkStore.Tuned"/> the daemon's
    /// page query is prepared, and after a few pages of rare events (a small read model rebuilt
    /// first) PostgreSQL keeps a generic plan that hash-joins every stream and sorts the whole
    /// rest of the log for each page of 2,000: a rebuild of the evidence timelines then read the
    /// log quadratically (8 to 24 times the CPU in PostgreSQL on 140,000 events).
    /// </summary>
    public static string Connection(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(FieldworkStore.Tuned(connectionString));
        builder.Options = string.IsNullOrWhiteSpace(builder.Options)
            ? "-c plan_cache_mode=force_custom_plan"
            : builder.Options + " -c plan_cache_mode=force_custom_plan";
        return builder.ConnectionString;
    }
}
