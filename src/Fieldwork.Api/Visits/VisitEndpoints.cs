using Fieldwork.Api.Evidence;
using Fieldwork.Evidence;
using Fieldwork.Secrets;
using Fieldwork.Visits;

namespace Fieldwork.Api.Visits;

/// <summary>A visit as it stood at a cut: <c>loggedAt</c> is when the fieldworker wrote it down (as their device said, else when it was recorded), <c>recordedAt</c> the server's record time.</summary>
public sealed record VisitView(
    Guid Id,
    IReadOnlyList<Guid> SiteIds,
    DateOnly StartsOn,
    DateOnly EndsOn,
    Guid? WaveId,
    IReadOnlyList<string> FieldworkerIds,
    string? Purpose,
    string? Notes,
    string? LoggedBy,
    DateTimeOffset LoggedAt,
    DateTimeOffset RecordedAt,
    int ItemCount,
    IReadOnlyList<EvidenceView>? Items = null)
{
    public static VisitView From(VisitState v, int items) =>
        new(v.Id, v.SiteIds, v.StartsOn, v.EndsOn, v.WaveId, v.FieldworkerIds, v.Purpose, v.Notes, v.LoggedBy, v.LoggedAt, v.RecordedAt, items);
}

public static class VisitEndpoints
{
    private const string Root = "/api/evaluations/{evaluationId}/visits";

    /// <summary>How far ahead of the server's clock a client's loggedAt may be (clocks of field laptops drift).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Logs a visit with the items collected on it (each with the fields of its own route and a kind), in one transaction:
    /// every item is stored or none is, and a refusal names the item and field (items[2].participantIds[0]). Items take
    /// the visit's sites and wave when they leave them out; their field dates lie within the visit. Safe to repeat: the
    /// same visit again writes nothing, the same id with another body is 409. loggedAt (when the fieldworker wrote it
    /// down, on a device that synced later) is kept beside the server's record time, which stays the knownAt clock.
    /// </summary>
    [WolverinePost(Root, OperationId = "logVisit")]
    [Requires(Permission.WriteEvidence, RecheckedByTheWrite = true)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static async Task<IResult> Log(Guid evaluationId, LogVisit command, HttpContext http, EventRecorder recorder, EvidenceBatcher batcher,
        KeyRing keys, TimeProvider clock)
    {
        var access = http.Access();
        var id = command.Id ?? Guid.NewGuid();
        var visitSites = command.SiteIds!.Distinct().ToList();
        var errors = new List<Rejection>();
        if (Future(command.LoggedAt, clock, "loggedAt") is { } future)
        {
            errors.Add(future);
        }

        var items = new List<EvidenceWrites.PreparedItem>();
        var ids = new Dictionary<Guid, int> { [id] = -1 };
        for (var i = 0; i < command.Items!.Count; i++)
        {
            var item = command.Items[i].Within(visitSites, command.WaveId);
            if (Future(item.LoggedAt, clock, $"items[{i}].loggedAt") is { } itemFuture)
            {
                errors.Add(itemFuture);
            }

            if (item.Id is { } itemId && !ids.TryAdd(itemId, i))
            {
                errors.Add(Rejection.Invalid($"items[{i}].id", ids[itemId] < 0 ? "The visit's own id." : $"The same id as items[{ids[itemId]}]."));
            }

            var (prepared, refused) = EvidenceWrites.Prepare(http, recorder, keys, evaluationId, item);
            if (refused is not null)
            {
                // Too large: 413 at once, naming the item.
                return ProblemResults.From(VisitRules.Under($"items[{i}]", refused));
            }

            items.Add(prepared!);
        }

        if (errors.Count > 0)
        {
            return ProblemResults.From(Rejection.Combine(errors));
        }

        // The transcripts are fingerprinted apart from the rest, so that an erasure reaches their fingerprint.
        var clear = command with { Items = [.. command.Items.Select(i => i with { Transcript = null })] };
        var transcripts = command.Items.Where(i => i.Transcript is not null).Select(i => i.Transcript).ToList();
        var fingerprint = recorder.FingerprintOf(http, id, command, clear, transcripts.Count > 0 ? transcripts : null);
        var reads = new ContextIds([.. visitSites.Concat(items.SelectMany(i => i.SiteIds)).Distinct()], [.. items.Select(i => i.PairingId)],
            [.. items.SelectMany(i => i.ParticipantIds).Distinct()], [id, .. items.Select(i => i.Id)]);
        return await batcher.SubmitAsync(new EvidenceWrite(id, evaluationId, access.UserId, EventRecorder.CorrelationOf(http),
            EventRecorder.CausationOf(http), fingerprint, $"/api/evaluations/{evaluationId}/visits/{id}", reads, context =>
            {
                var decision = VisitRules.Log(context, id, command, [.. items.Select(i => (Func<VisitFrame, Decision>)(frame => i.Rule(context, frame)))]);
                if (decision.Rejection is { } rejection)
                {
                    return Staged.Refuse(rejection);
                }

                var visit = Staged.Start([new NewStream(id, typeof(VisitTimeline), [decision.Logged!])], []);
                var staged = items.Select((item, i) => item.Seal(decision.Items[i]).LoggedAt(command.Items[i].LoggedAt)
                    with
                { Parts = [item.Part] });
                return Staged.All([visit, .. staged]).LoggedAt(command.LoggedAt);
            }));
    }

    /// <summary>
    /// Logs one more item of a visit (an interview, observation or document, with the fields of its own route and a kind):
    /// it takes the visit's sites and wave when it leaves them out, and its field date lies within the visit.
    /// </summary>
    [WolverinePost(Root + "/{visitId}/items", OperationId = "addVisitItem")]
    [Requires(Permission.WriteEvidence, RecheckedByTheWrite = true)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static async Task<IResult> AddItem(Guid evaluationId, Guid visitId, VisitItem command, HttpContext http, EventRecorder recorder,
        EvidenceBatcher batcher, KeyRing keys, TimeProvider clock, IQuerySession session)
    {
        // A visit never changes once logged, so it is read here, before the write.
        var visit = await session.LoadAsync<VisitTimeline>(visitId, http.RequestAborted);
        if (VisitRules.Join(evaluationId, visit) is { } missing)
        {
            return ProblemResults.From(missing);
        }

        if (Future(command.LoggedAt, clock, "loggedAt") is { } future)
        {
            return ProblemResults.From(future);
        }

        var (prepared, refused) = EvidenceWrites.Prepare(http, recorder, keys, evaluationId, command.Within(visit!.SiteIds, visit.WaveId));
        if (refused is not null)
        {
            return ProblemResults.From(refused);
        }

        var item = prepared!;
        var access = http.Access();
        return await batcher.SubmitAsync(new EvidenceWrite(item.Id, evaluationId, access.UserId, EventRecorder.CorrelationOf(http),
            EventRecorder.CausationOf(http), item.Fingerprint, item.Location,
            new ContextIds(item.SiteIds, [item.PairingId], item.ParticipantIds, [item.Id]),
            context => item.Seal(item.Rule(context, visit.Frame)).LoggedAt(command.LoggedAt)));
    }

    /// <summary>The visits that had begun by asOf, as known at knownAt, filtered by site or wave; oldest first.</summary>
    [WolverineGet(Root, OperationId = "listVisits")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType<Page<VisitView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, Guid? siteId, Guid? waveId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var visits = await ServedVisits.AsOfAsync(session, evaluationId, cut, cancellation);
            var items = await ServedEvidence.AsOfAsync(session, evaluationId, cut, cancellation);
            var counts = items.Where(i => i.VisitId is not null).GroupBy(i => i.VisitId!.Value).ToDictionary(g => g.Key, g => g.Count());
            var views = visits
                .Where(v => siteId is null || v.SiteIds.Contains(siteId.Value))
                .Where(v => waveId is null || v.WaveId == waveId)
                .OrderBy(v => v.StartsOn).ThenBy(v => v.RecordedAt).ThenBy(v => v.Id)
                .Select(v => VisitView.From(v, counts.GetValueOrDefault(v.Id)))
                .ToList();
            return TypedResults.Ok(Paging.Of(views, offset, limit));
        });

    /// <summary>One visit as it stood at asOf, as known at knownAt, with its items (those that had happened and were known then).</summary>
    [WolverineGet(Root + "/{visitId}", OperationId = "getVisit")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType<VisitView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid visitId, string? asOf, string? knownAt, IQuerySession session, TimeTravel time,
        CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            if (await session.LoadAsync<VisitTimeline>(visitId, cancellation) is not { } visit || visit.EvaluationId != evaluationId
                || visit.AsOf(cut) is not { } state)
            {
                return ProblemResults.NotFound("No such visit in this evaluation at that time.");
            }

            var items = (await session.Query<EvidenceTimeline>().Where(e => e.VisitId == visitId).ToListAsync(cancellation))
                .Select(e => e.AsOf(cut)).OfType<EvidenceState>()
                .OrderBy(e => e.Details.On).ThenBy(e => e.LoggedAt).ThenBy(e => e.Id)
                .Select(EvidenceView.From)
                .ToList();
            return TypedResults.Ok(VisitView.From(state, items.Count) with { Items = items });
        });

    private static Rejection? Future(DateTimeOffset? loggedAt, TimeProvider clock, string field) =>
        loggedAt is { } at && at > clock.GetUtcNow() + ClockSkew
            ? Rejection.Invalid(field, $"'{field}' ({at:O}) is later than now: it says when the record was written down.")
            : null;
}

/// <summary>The evaluation's visits at a cut, from their inline timelines.</summary>
public static class ServedVisits
{
    public static async Task<IReadOnlyList<VisitState>> AsOfAsync(IQuerySession session, Guid evaluationId, Cut cut, CancellationToken cancellation)
    {
        var timelines = await session.Query<VisitTimeline>().Where(v => v.EvaluationId == evaluationId).ToListAsync(cancellation);
        return [.. timelines.Select(v => v.AsOf(cut)).OfType<VisitState>()];
    }
}
