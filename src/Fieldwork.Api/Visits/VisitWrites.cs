using Fieldwork.Api.Evidence;
using Fieldwork.Secrets;
using Fieldwork.Visits;

namespace Fieldwork.Api.Visits;

public static class VisitWrites
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
        var visit = command.Valid();
        var visitSites = visit.SiteIds.Distinct().ToList();
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
                var decision = VisitRules.Log(context, id, visit, [.. items.Select(i => (Func<VisitFrame, Decision>)(frame => i.Rule(context, frame)))]);
                if (decision.Rejection is { } rejection)
                {
                    return Staged.Refuse(rejection);
                }

                var started = Staged.Start([new NewStream(id, typeof(VisitTimeline), [decision.Logged!])], []);
                var staged = items.Select((item, i) => item.Seal(decision.Items[i]).LoggedAt(command.Items[i].LoggedAt)
                    with
                { Parts = [item.Part] });
                return Staged.All([started, .. staged]).LoggedAt(command.LoggedAt);
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

        return await batcher.SubmitAsync(prepared!.Alone(http, evaluationId, visit.Frame, command.LoggedAt));
    }

    private static Rejection? Future(DateTimeOffset? loggedAt, TimeProvider clock, string field) =>
        loggedAt is { } at && at > clock.GetUtcNow() + ClockSkew
            ? Rejection.Invalid(field, $"'{field}' ({at:O}) is later than now: it says when the record was written down.")
            : null;
}
