using Fieldwork.Evidence;
using Fieldwork.Idempotency;

namespace Fieldwork.Api.Evidence;

/// <summary>
/// One request that logs evidence, as the endpoint prepared it for <see cref="EvidenceBatcher"/>:
/// who and why (for the event metadata), the creation record's id, fingerprint and location, what
/// its rules read, and the rule itself. Everything an accepted write stages is committed in one
/// transaction, or nothing is.
/// </summary>
/// <param name="Id">The id its creation record is kept under (the item's, or the visit's).</param>
/// <param name="EvaluationId">The evaluation it logs into.</param>
/// <param name="UserId">The caller, recorded as the events' user.</param>
/// <param name="CorrelationId">The request's trace, recorded on every event.</param>
/// <param name="CausationId">The request's method and path, recorded on every event.</param>
/// <param name="Fingerprint">What a repeat must match to be answered as this write was.</param>
/// <param name="Location">Where the created item (or visit) is read.</param>
/// <param name="Reads">The sites, pairings and participants its rules look at.</param>
/// <param name="Decide">The rule, run against the batch's fresh read.</param>
public sealed record EvidenceWrite(
    Guid Id,
    Guid EvaluationId,
    string UserId,
    string CorrelationId,
    string CausationId,
    RequestFingerprint Fingerprint,
    string Location,
    ContextIds Reads,
    Func<EvidenceContext, Staged> Decide)
{
    /// <summary>Every id this write claims: its own and those of the streams it starts.</summary>
    public IEnumerable<Guid> Claims => Reads.NewStreams.Prepend(Id).Distinct();
}

/// <summary>What a write's rules read, and the ids of the streams it starts (each gets a creation record of its own).</summary>
public sealed record ContextIds(
    IReadOnlyCollection<Guid> SiteIds,
    IReadOnlyCollection<Guid?> PairingIds,
    IReadOnlyCollection<Guid> ParticipantIds,
    IReadOnlyCollection<Guid> NewStreams);

/// <summary>
/// A stream to start: its id, aggregate and first events, and when the fieldworker wrote it down
/// if their device said so (kept in each event's headers beside the server's record time).
/// </summary>
public sealed record NewStream(Guid Id, Type Aggregate, IReadOnlyList<object> Events, DateTimeOffset? LoggedAt = null);

/// <summary>
/// A record kept beside the write's own, so that a part of it (an item logged within a visit)
/// answers its own repeats and clashes.
/// </summary>
public sealed record PartRecord(Guid Id, RequestFingerprint Fingerprint, string Location);

/// <summary>
/// What a write decided: the streams to start, the documents to insert beside them (a
/// transcript's key) and the creation records of its parts; or a refusal, which stores nothing.
/// </summary>
public sealed record Staged(Rejection? Rejection, IReadOnlyList<NewStream> Streams, IReadOnlyList<object> Documents, IReadOnlyList<PartRecord> Parts)
{
    public static Staged Refuse(Rejection rejection) => new(rejection, [], [], []);

    public static Staged Start(IReadOnlyList<NewStream> streams, IReadOnlyList<object> documents, IReadOnlyList<PartRecord>? parts = null) =>
        new(null, streams, documents, parts ?? []);

    /// <summary>A rule's decision for a new evidence item: its stream, or the rule's refusal.</summary>
    public static Staged Item(Guid id, Decision decision, IReadOnlyList<object> documents) =>
        decision.Rejection is { } rejection ? Refuse(rejection) : Start([new NewStream(id, typeof(EvidenceTimeline), decision.Events)], documents);

    /// <summary>Several accepted writes as one: every stream, document and part record of each.</summary>
    public static Staged All(IReadOnlyList<Staged> parts) =>
        parts.FirstOrDefault(p => p.Rejection is not null) is { } refused
            ? refused
            : new(null, [.. parts.SelectMany(p => p.Streams)], [.. parts.SelectMany(p => p.Documents)], [.. parts.SelectMany(p => p.Parts)]);

    /// <summary>This write with every stream it starts written down at <paramref name="loggedAt"/> (when given).</summary>
    public Staged LoggedAt(DateTimeOffset? loggedAt) =>
        loggedAt is null ? this : this with { Streams = [.. Streams.Select(s => s with { LoggedAt = s.LoggedAt ?? loggedAt })] };
}
