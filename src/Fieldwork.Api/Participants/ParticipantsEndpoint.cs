using Fieldwork.Participants;
using Fieldwork.Secrets;
using Fieldwork.Sites;

namespace Fieldwork.Api.Participants;

/// <summary>
/// A participant by pseudonym; <c>personal</c> is present only for leads, and <c>personalErased</c>
/// says their details were destroyed with a withdrawal (<c>transcriptsErased</c>: their transcripts too);
/// <c>reconsentedOn</c> is the day a lead recorded their new consent from, after a withdrawal.
/// </summary>
public sealed record ParticipantView(Guid Id, string Pseudonym, string Role, Guid? SiteId, ConsentScope Consent, DateOnly? ConsentGivenOn, int Version,
    DateOnly? WithdrawnOn, bool PersonalErased, bool TranscriptsErased, DateOnly? ReconsentedOn,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    PersonalDetails? Personal = null)
{
    /// <summary>Withdrawal and erasure are shown as they are now: time travel does not undo an erasure.</summary>
    public static ParticipantView From(ParticipantState p, ParticipantTimeline t, PersonalDetails? personal = null) =>
        new(p.Id, p.Pseudonym, p.Role, p.SiteId, p.Consent, t.ConsentGivenOn, p.Version, t.WithdrawnOn, t.PersonalErased || t.WithdrawnOn is not null,
            t.TranscriptsErased, t.ReconsentedOn, personal);
}

/// <summary>One read of a participant's personal details: who, when.</summary>
public sealed record DisclosureView(long Sequence, string? ReaderId, DateTimeOffset ReadAt);

public static class ParticipantsEndpoint
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
        return recorder.CreateAsync(http, id, command, $"/api/evaluations/{evaluationId}/participants/{id}", async session =>
        {
            var site = command.SiteId is { } siteId ? await session.LoadAsync<SiteTimeline>(siteId, http.RequestAborted) : null;
            site = site?.EvaluationId == evaluationId ? site : null;
            if (command.SiteId is not null && site is null)
            {
                return Rejection.Invalid("siteId", "There is no such site in this evaluation.");
            }

            SealedPersonalDetails? personal = null;
            if (command.Personal is { Name: { } name } p)
            {
                var (stored, key) = keys.NewParticipantKey(id);
                session.Insert(stored);
                personal = PersonalDetailsVault.Seal(key, id, new PersonalDetails(name.Trim(), p.Email?.Trim()));
            }

            return session.Start<ParticipantTimeline>(id, ParticipantRules.Register(evaluation, id, command, site, personal));
        }, fingerprint);
    }

    /// <summary>Records a change of consent from a date on. Once the participant has withdrawn, only a lead's re-consent changes it (409).</summary>
    [WolverinePost(Route + "/{participantId}/consent", OperationId = "changeConsent")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<ParticipantView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> ChangeConsent(Guid evaluationId, Guid participantId, ChangeConsent command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, participantId, (evaluation, participant) => ParticipantRules.ChangeConsent(evaluation, participant, command));

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
        Change(http, recorder, time, participantId, (evaluation, participant) => ParticipantRules.Reconsent(evaluation, participant, command));

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

    /// <summary>The evaluation's participants, by pseudonym, with the consent in force at asOf as known at knownAt.</summary>
    [WolverineGet(Route, OperationId = "listParticipants")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<Page<ParticipantView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var timelines = await session.Query<ParticipantTimeline>().Where(p => p.EvaluationId == evaluationId).ToListAsync(cancellation);
            var participants = timelines.Select(t => (State: t.AsOf(cut), Timeline: t)).Where(x => x.State is not null)
                .OrderBy(x => x.State!.Pseudonym, StringComparer.Ordinal).ThenBy(x => x.State!.Id)
                .Select(x => ParticipantView.From(x.State!, x.Timeline)).ToList();
            return TypedResults.Ok(Paging.Of(participants, offset, limit));
        });

    /// <summary>One participant; leads also see the personal details (null once erased).</summary>
    [WolverineGet(Route + "/{participantId}", OperationId = "getParticipant")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<ParticipantView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid participantId, string? asOf, string? knownAt, HttpContext http,
        IQuerySession session, IDocumentStore store, TimeTravel time, KeyRing keys, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            if (await session.LoadAsync<ParticipantTimeline>(participantId, cancellation) is not { } timeline
                || timeline.EvaluationId != evaluationId
                || timeline.AsOf(cut) is not { } state)
            {
                return ProblemResults.NotFound("No such participant in this evaluation at that time.");
            }

            var access = http.Access();
            PersonalDetails? personal = null;
            if (AccessPolicy.Allows(access.Role, Permission.ReadPersonalDetails) && timeline.Personal is not null)
            {
                personal = await PersonalDetailsVault.OpenAsync(session, keys, participantId, timeline.Personal, cancellation);
                if (personal is not null)
                {
                    // Who read whose personal details, and when, is itself on the record.
                    await using var record = store.LightweightSession();
                    record.LastModifiedBy = access.UserId;
                    record.CausationId = $"{http.Request.Method} {http.Request.Path}";
                    record.Events.StartStream<DisclosureRecord>(Guid.NewGuid(), new PersonalDetailsRead(evaluationId, participantId, access.UserId));
                    await record.SaveChangesAsync(cancellation);
                }
            }

            return TypedResults.Ok(ParticipantView.From(state, timeline, personal));
        });

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
                var decision = ParticipantRules.Withdraw(http.Access().Evaluation, participant, command, time.Today.AsOf);
                if (decision.Accepted)
                {
                    await EraseAsync(session, evaluationId, participantId, command.EraseTranscripts == true || participant.TranscriptsErased,
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

    /// <summary>Every read of this participant's personal details: who read them and when, oldest first.</summary>
    [WolverineGet(Route + "/{participantId}/disclosures", OperationId = "listDisclosures")]
    [Requires(Permission.ReadAudit)]
    [ProducesResponseType<Page<DisclosureView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> Disclosures(Guid evaluationId, Guid participantId, int? offset, int? limit, IQuerySession session,
        Npgsql.NpgsqlDataSource database, CancellationToken cancellation)
    {
        if (Paging.Check(offset, limit) is { } badPage)
        {
            return badPage;
        }

        if (await session.LoadAsync<ParticipantTimeline>(participantId, cancellation) is not { } timeline || timeline.EvaluationId != evaluationId)
        {
            return ProblemResults.NotFound("No such participant in this evaluation.");
        }

        await using var command = database.CreateCommand(
            $"select seq_id, user_name, timestamp from {Fieldwork.FieldworkStore.Schema}.mt_events " +
            "where type = 'personal_details_read' and data->>'participantId' = $1 and data->>'evaluationId' = $2 order by seq_id");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = participantId.ToString() });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = evaluationId.ToString() });
        var reads = new List<DisclosureView>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                reads.Add(new DisclosureView(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        return TypedResults.Ok(Paging.Of(reads, offset, limit));
    }
}
