using Fieldwork.Participants;
using Fieldwork.Secrets;
using Fieldwork.Sites;

namespace Fieldwork.Api.Participants;

public static class ParticipantWrites
{
    private const string Route = "/api/evaluations/{evaluationId}/participants";

    private const string NoSuchParticipant = "No such participant in this evaluation.";

    /// <summary>
    /// Registers a participant under a pseudonym with their consent. Personal details (name,
    /// email) are sealed under a key of the participant's own and never stored in plaintext.
    /// </summary>
    [WolverinePost(Route, OperationId = "registerParticipant")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Post(Guid evaluationId, RegisterParticipant command, HttpContext http, EventRecorder recorder, KeyRing keys)
    {
        var id = command.Id ?? Guid.NewGuid();
        var evaluation = http.Access().Evaluation;
        // The personal details are fingerprinted apart from the rest, so that the withdrawal's erasure reaches that fingerprint.
        var fingerprint = recorder.FingerprintOf(http, id, command, command with { Personal = null }, command.Personal);
        var participant = command.Valid();
        return recorder.CreateAsync(http, id, command, $"/api/evaluations/{evaluationId}/participants/{id}", async session =>
        {
            var site = participant.SiteId is { } siteId ? await session.LoadInAsync<SiteTimeline>(evaluationId, siteId, http.RequestAborted) : null;
            if (participant.SiteId is not null && site is null)
            {
                return Rejection.Invalid("siteId", "There is no such site in this evaluation.");
            }

            SealedPersonalDetails? personal = null;
            if (participant.Personal is { } details)
            {
                var (stored, key) = keys.NewParticipantKey(id);
                session.Insert(stored);
                personal = PersonalDetailsVault.Seal(key, id, details);
            }

            return session.Start<ParticipantTimeline>(id, ParticipantRules.Register(evaluation, id, participant, site, personal));
        }, fingerprint);
    }

    /// <summary>Records a change of consent from a date on. Once the participant has withdrawn, only a lead's re-consent changes it (409).</summary>
    [WolverinePost(Route + "/{participantId}/consent", OperationId = "changeConsent")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<ParticipantView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> ChangeConsent(Guid evaluationId, Guid participantId, ChangeConsent command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, participantId, (evaluation, participant) => ParticipantRules.ChangeConsent(evaluation, participant, command.Valid()));

    /// <summary>
    /// Records that a withdrawn participant consented again (leads only), from <c>consent.givenOn</c>
    /// (on or after the withdrawal) with <c>takePart</c> true. What the withdrawal erased stays
    /// erased: personal details, and transcripts dated before the new consent.
    /// </summary>
    [WolverinePost(Route + "/{participantId}/reconsent", OperationId = "reconsentParticipant")]
    [Requires(Permission.WithdrawConsent)]
    [ProducesResponseType<ParticipantView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Reconsent(Guid evaluationId, Guid participantId, ReconsentParticipant command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, participantId, (evaluation, participant) => ParticipantRules.Reconsent(evaluation, participant, command.Valid()));

    /// <summary>Decides a change to one participant of this evaluation (404 for any other), and answers with the participant as it stands now.</summary>
    private static Task<IResult> Change(HttpContext http, EventRecorder recorder, TimeTravel time, Guid participantId,
        Func<Fieldwork.Evaluations.Evaluation, ParticipantTimeline, Decision> rule) =>
        recorder.ChangeAsync<ParticipantTimeline>(http, participantId, NoSuchParticipant,
            participant => rule(http.Access().Evaluation, participant),
            query => NowAsync(query, participantId, time, http.RequestAborted));

    /// <summary>The participant as it stands today (or as last recorded, if today is before their consent was given).</summary>
    private static async Task<IResult> NowAsync(IQuerySession query, Guid participantId, TimeTravel time, CancellationToken cancellation)
    {
        var timeline = await query.LoadAsync<ParticipantTimeline>(participantId, cancellation);
        var state = timeline!.AsOf(time.Today) ?? timeline.AsOf(Cut.Now(DateOnly.MaxValue))!;
        return TypedResults.Ok(ParticipantView.From(state, timeline));
    }

    /// <summary>
    /// Withdraws a participant from a date on (today by default) and destroys their key: their
    /// personal details become unreadable everywhere. With eraseTranscripts, every transcript
    /// sealed under a key that lists them is erased too (a group transcript whole). Idempotent.
    /// </summary>
    [WolverinePost(Route + "/{participantId}/withdrawal", OperationId = "withdrawParticipant")]
    [Requires(Permission.WithdrawConsent)]
    [ProducesResponseType<ParticipantView>(StatusCodes.Status200OK)]
    public static Task<IResult> Withdraw(Guid evaluationId, Guid participantId, WithdrawParticipant command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        recorder.ChangeAsync<ParticipantTimeline>(http, participantId, NoSuchParticipant,
            async (session, participant) =>
            {
                var withdrawal = command.Valid();
                var decision = ParticipantRules.Withdraw(http.Access().Evaluation, participant, withdrawal, time.Today.AsOf);
                if (decision.Accepted)
                {
                    await EraseAsync(session, evaluationId, participantId, withdrawal.EraseTranscripts || participant.TranscriptsErased,
                        http.RequestAborted);
                }

                return decision;
            },
            query => NowAsync(query, participantId, time, http.RequestAborted),
            // Before reading anything: a write naming this participant either committed (and its key is
            // swept below) or waits for this withdrawal and then reads it.
            session => ParticipantLocks.ExclusiveAsync(session, participantId, http.RequestAborted));

    /// <summary>
    /// Destroys the participant's key (and with <paramref name="transcripts"/> every transcript key
    /// that lists them), leaving each key's document marked erased so that nothing makes a new one,
    /// and deletes the fingerprints of what those keys sealed from the idempotency records (an
    /// interview's own, and that of the visit it was logged within).
    /// </summary>
    private static async Task EraseAsync(IDocumentSession session, Guid evaluationId, Guid participantId, bool transcripts, CancellationToken cancellation)
    {
        var erased = new List<Guid> { participantId };
        if (await session.LoadAsync<ParticipantKey>(participantId, cancellation) is { Erased: false } key)
        {
            session.Store(key.Destroyed());
        }

        if (transcripts)
        {
            var textKeys = await session.Query<Fieldwork.Evidence.TextKey>()
                .Where(k => k.EvaluationId == evaluationId && k.ParticipantIds.Contains(participantId))
                .ToListAsync(cancellation);
            foreach (var textKey in textKeys.Where(k => !k.Erased))
            {
                session.Store(textKey.Destroyed());
                erased.Add(textKey.Id);
            }
        }

        if (erased.Count > 1)
        {
            // An interview logged within a visit was fingerprinted with its visit too: that fingerprint goes as well.
            var items = await session.LoadManyAsync<Fieldwork.Evidence.EvidenceTimeline>(cancellation, erased.Skip(1));
            erased.AddRange(items.Select(i => i.VisitId).OfType<Guid>().Distinct());
        }

        foreach (var record in await session.LoadManyAsync<Fieldwork.Idempotency.CreationRecord>(cancellation, erased))
        {
            if (record.SealedHash is not null)
            {
                session.Store(record with { SealedHash = null });
            }
        }
    }
}
