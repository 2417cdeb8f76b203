using System.Text;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Idempotency;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Secrets;
using Fieldwork.Sites;
using Fieldwork.Visits;
using Marten.Services.BatchQuerying;

namespace Fieldwork.Api.Evidence;

public static class EvidenceWrites
{
    private const string Root = "/api/evaluations/{evaluationId}";

    /// <summary>Logs an interview. A transcript is sealed under the interview's own key; every participant's consent on the field date must allow recording.</summary>
    [WolverinePost(Root + "/interviews", OperationId = "logInterview")]
    [Requires(Permission.WriteEvidence, RecheckedByTheWrite = true)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> LogInterview(Guid evaluationId, LogInterview command, HttpContext http, EventRecorder recorder,
        EvidenceBatcher batcher, KeyRing keys)
    {
        var interview = command.Valid();
        return Create(http, recorder, batcher, command.Id, command, command.Transcript, "transcript",
            (context, id, text, visit) => EvidenceRules.LogInterview(context, id, interview, text, visit),
            interview.SiteIds, interview.PairingId, interview.ParticipantIds, sealing: keys, clear: command with { Transcript = null });
    }

    /// <summary>Logs an observation (meeting, workshop, site visit, conference) with optional field notes.</summary>
    [WolverinePost(Root + "/observations", OperationId = "logObservation")]
    [Requires(Permission.WriteEvidence, RecheckedByTheWrite = true)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> LogObservation(Guid evaluationId, LogObservation command, HttpContext http, EventRecorder recorder,
        EvidenceBatcher batcher)
    {
        var observation = command.Valid();
        return Create(http, recorder, batcher, command.Id, command, command.FieldNotes, "fieldNotes",
            (context, id, text, visit) => EvidenceRules.LogObservation(context, id, observation, text, visit),
            observation.SiteIds, observation.PairingId, []);
    }

    /// <summary>Captures a document with optional extracted text.</summary>
    [WolverinePost(Root + "/documents", OperationId = "captureDocument")]
    [Requires(Permission.WriteEvidence, RecheckedByTheWrite = true)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> CaptureDocument(Guid evaluationId, CaptureDocument command, HttpContext http, EventRecorder recorder,
        EvidenceBatcher batcher)
    {
        var document = command.Valid();
        return Create(http, recorder, batcher, command.Id, command, command.Text, "text",
            (context, id, text, visit) => EvidenceRules.CaptureDocument(context, id, document, text, visit),
            document.SiteIds, null, []);
    }

    /// <summary>Adds a text version; expectedVersion is the latest text version number (0 when there is none).</summary>
    [WolverinePost(Root + "/evidence/{evidenceId}/texts", OperationId = "addTextVersion")]
    [Requires(Permission.WriteEvidence)]
    [ProducesResponseType<EvidenceView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> AddText(Guid evaluationId, Guid evidenceId, AddTextVersion command, HttpContext http, EventRecorder recorder,
        TimeTravel time, KeyRing keys)
    {
        if (Measure(command.Text, "text") is { } tooLarge)
        {
            return Task.FromResult(ProblemResults.From(tooLarge));
        }

        var text = EvidenceText.Normalise(command.Text!);
        return Change(http, recorder, time, keys, evidenceId, null, async (session, context, item) =>
        {
            var decision = EvidenceRules.AddText(context, item, command.ExpectedVersion!.Value, text);
            return await SealAsync(session, keys, context.Evaluation.Id, item, decision, http.RequestAborted);
        }, lockParticipants: true);
    }

    /// <summary>Corrects logged fields as a new event; replays with an earlier knownAt still show the old values.</summary>
    [WolverinePost(Root + "/evidence/{evidenceId}/corrections", OperationId = "correctEvidence")]
    [Requires(Permission.WriteEvidence)]
    [ProducesResponseType<EvidenceView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Correct(Guid evaluationId, Guid evidenceId, CorrectEvidence command, HttpContext http, EventRecorder recorder,
        TimeTravel time, KeyRing keys) =>
        Change(http, recorder, time, keys, evidenceId, command, async (session, context, item) =>
        {
            // A visit never changes once logged: its frame is read as it is.
            var visit = item.VisitId is { } visitId ? await session.LoadAsync<Fieldwork.Visits.VisitTimeline>(visitId, http.RequestAborted) : null;
            var decision = EvidenceRules.Correct(context, item, command, visit?.Frame);
            if (decision.Accepted && command.ParticipantIds is { } participants
                && await session.LoadAsync<TextKey>(item.Id, http.RequestAborted) is { Erased: false } key)
            {
                // The key follows everyone whose words it seals, so erasing any of them reaches it.
                session.Store(key with { ParticipantIds = [.. key.ParticipantIds.Union(participants)] });
            }

            return decision;
        }, lockParticipants: command.ParticipantIds is { Count: > 0 });

    /// <summary>
    /// Voids an item logged in error (the person who logged it, or a lead): from now on, as known at,
    /// it leaves counts, /state, lists (unless includeVoided=true), codings, agreement and matrices,
    /// and cannot support a finding; the log and replays from before keep it. Voiding again changes nothing.
    /// </summary>
    [WolverinePost(Root + "/evidence/{evidenceId}/void", OperationId = "voidEvidence")]
    [Requires(Permission.WriteEvidence)]
    [ProducesResponseType<EvidenceView>(StatusCodes.Status200OK)]
    public static Task<IResult> Void(Guid evaluationId, Guid evidenceId, VoidEvidence command, HttpContext http, EventRecorder recorder,
        TimeTravel time, KeyRing keys)
    {
        var access = http.Access();
        return Change(http, recorder, time, keys, evidenceId, null,
            (_, _, item) => Task.FromResult(EvidenceRules.Void(item, access.UserId, access.Role, command.Valid())), allowVoided: true);
    }

    private static async Task<IResult> Create(HttpContext http, EventRecorder recorder, EvidenceBatcher batcher, Guid? requestedId,
        object command, string? rawText, string textField, Func<EvidenceContext, Guid, NormalisedText?, VisitFrame?, Decision> rule,
        IReadOnlyList<Guid> siteIds, Guid? pairingId, IReadOnlyList<Guid> participantIds, KeyRing? sealing = null, object? clear = null)
    {
        var access = http.Access();
        var prepared = Prepare(http, recorder, access.Evaluation.Id, requestedId, command, rawText, textField, rule, siteIds, pairingId,
            participantIds, sealing, clear);
        if (prepared.Refusal is { } tooLarge)
        {
            return ProblemResults.From(tooLarge);
        }

        var item = prepared.Item!;
        return await batcher.SubmitAsync(item.Alone(http, access.Evaluation.Id));
    }

    /// <summary>
    /// An item ready to be decided: its id, fingerprint and location, what its rule reads, its
    /// transcript sealed under a key made for it, and its rule (within a visit or not).
    /// </summary>
    internal sealed record PreparedItem(Guid Id, RequestFingerprint Fingerprint, string Location, IReadOnlyCollection<Guid> SiteIds,
        Guid? PairingId, IReadOnlyCollection<Guid> ParticipantIds, Presealed? Presealed, Func<EvidenceContext, VisitFrame?, Decision> Rule)
    {
        /// <summary>The rule's decision, as the stream to start (with its transcript sealed and its key beside it), and its own creation record when it is part of a larger write.</summary>
        public Staged Seal(Decision decision) => Sealed(Presealed, Id, decision);

        public PartRecord Part => new(Id, Fingerprint, Location);

        /// <summary>The item as a write of its own (within <paramref name="visit"/>, when it joins one), for the caller of <paramref name="http"/>.</summary>
        public EvidenceWrite Alone(HttpContext http, Guid evaluationId, VisitFrame? visit = null, DateTimeOffset? loggedAt = null) =>
            new(Id, evaluationId, http.Access().UserId, EventRecorder.CorrelationOf(http), EventRecorder.CausationOf(http), Fingerprint, Location,
                new ContextIds(SiteIds, [PairingId], ParticipantIds, [Id]), context => Seal(Rule(context, visit)).LoggedAt(loggedAt));
    }

    /// <summary>
    /// Prepares one item of any kind: measures its text (413), fingerprints the request (a
    /// transcript apart from the rest, so that its erasure reaches the fingerprint), and seals a
    /// transcript here, on the request's own thread, under the key made for the new interview:
    /// the write that follows (shared by every request committed with it) only stores both. A
    /// request refused by its rule throws them away unstored.
    /// </summary>
    internal static (PreparedItem? Item, Rejection? Refusal) Prepare(HttpContext http, EventRecorder recorder, Guid evaluationId, Guid? requestedId,
        object command, string? rawText, string textField, Func<EvidenceContext, Guid, NormalisedText?, VisitFrame?, Decision> rule,
        IReadOnlyList<Guid> siteIds, Guid? pairingId, IReadOnlyList<Guid> participantIds, KeyRing? sealing = null, object? clear = null)
    {
        if (Measure(rawText, textField) is { } tooLarge)
        {
            return (null, tooLarge);
        }

        var id = requestedId ?? Guid.NewGuid();
        var text = rawText is null ? null : EvidenceText.Normalise(rawText);
        var fingerprint = recorder.FingerprintOf(http, id, command, clear, sealing is null ? null : text?.Text);
        var presealed = sealing is not null && text is not null ? Preseal(sealing, evaluationId, id, participantIds, text) : null;
        return (new PreparedItem(id, fingerprint, $"/api/evaluations/{evaluationId}/evidence/{id}", siteIds, pairingId, participantIds,
            presealed, (context, visit) => rule(context, id, text, visit)), null);
    }

    /// <summary>Prepares an item of a visit by its kind, with what it leaves out taken from the visit.</summary>
    internal static (PreparedItem? Item, Rejection? Refusal) Prepare(HttpContext http, EventRecorder recorder, KeyRing keys, Guid evaluationId,
        VisitItem item)
    {
        switch (item.Kind)
        {
            case EvidenceKind.Interview:
                var interview = item.AsInterview();
                var newInterview = interview.Valid();
                return Prepare(http, recorder, evaluationId, interview.Id, interview, interview.Transcript, "transcript",
                    (context, id, text, visit) => EvidenceRules.LogInterview(context, id, newInterview, text, visit), newInterview.SiteIds,
                    newInterview.PairingId, newInterview.ParticipantIds, sealing: keys, clear: interview with { Transcript = null });
            case EvidenceKind.Observation:
                var observation = item.AsObservation();
                var newObservation = observation.Valid();
                return Prepare(http, recorder, evaluationId, observation.Id, observation, observation.FieldNotes, "fieldNotes",
                    (context, id, text, visit) => EvidenceRules.LogObservation(context, id, newObservation, text, visit), newObservation.SiteIds,
                    newObservation.PairingId, []);
            default:
                var document = item.AsDocument();
                var newDocument = document.Valid();
                return Prepare(http, recorder, evaluationId, document.Id, document, document.Text, "text",
                    (context, id, text, visit) => EvidenceRules.CaptureDocument(context, id, newDocument, text, visit), newDocument.SiteIds, null, []);
        }
    }

    /// <summary>
    /// A change to one evidence item of this evaluation on the shared pipeline (<see cref="StreamChanges"/>): 404 for any
    /// other, 409 once voided (unless <paramref name="allowVoided"/>), and the item as it stands now as the answer. A
    /// correction may name sites, a pairing and participants the item did not have: they join the rules' context.
    /// </summary>
    private static Task<IResult> Change(HttpContext http, EventRecorder recorder, TimeTravel time, KeyRing keys, Guid evidenceId,
        CorrectEvidence? correction, Func<IDocumentSession, EvidenceContext, EvidenceTimeline, Task<Decision>> rule, bool allowVoided = false,
        bool lockParticipants = false) =>
        recorder.ChangeAsync<EvidenceTimeline>(http, evidenceId, "No such evidence in this evaluation.",
            async (session, item) =>
            {
                if (!allowVoided && EvidenceRules.Voided(item) is { } voided)
                {
                    return voided;
                }

                var current = item.Current;
                if (lockParticipants)
                {
                    // Not in `before`: the participants to lock are the item's own, known once it is read. Taken before
                    // their state is read: serialised with any withdrawal of the participants named, so it either sees
                    // this write's key or this write sees it (a change to the item itself is caught at commit).
                    await ParticipantLocks.ShareAsync(session, [.. current.ParticipantIds, .. correction?.ParticipantIds ?? []], http.RequestAborted);
                }

                var context = await ContextAsync(session, http.Access().Evaluation,
                    current.SiteIds.Concat(correction?.SiteIds ?? []),
                    correction?.PairingId ?? current.PairingId,
                    current.ParticipantIds.Concat(correction?.ParticipantIds ?? []),
                    http.RequestAborted);
                return await rule(session, context, item);
            },
            async query => TypedResults.Ok(await EvidenceReads.ViewAsync(query, keys, evidenceId, time, http.RequestAborted)));

    /// <summary>
    /// Seals the text of an interview's new version under the interview's key, made on first use.
    /// A destroyed key is never replaced: the interview's transcripts were erased, and no new text
    /// of it may be kept (409).
    /// </summary>
    private static async Task<Decision> SealAsync(IDocumentSession session, KeyRing keys, Guid evaluationId, EvidenceTimeline item,
        Decision decision, CancellationToken cancellation)
    {
        if (!decision.Accepted || item.Kind != EvidenceKind.Interview || decision.Events.OfType<TextVersionAdded>().FirstOrDefault() is not { } text)
        {
            return decision;
        }

        var stored = await session.LoadAsync<TextKey>(item.Id, cancellation);
        // An interview that has texts had a key: if it is gone (a store from before erased keys were kept marked), it was erased.
        if (stored is { Erased: true } || (stored is null && item.Texts.Count > 0))
        {
            return Rejection.Conflict("This interview's transcripts were erased with a participant's withdrawal: no new text of it may be kept.");
        }

        TextSecret key;
        if (keys.Open(stored) is { } existing)
        {
            key = existing;
        }
        else
        {
            (var made, key) = keys.NewTextKey(evaluationId, item.Id, item.Current.ParticipantIds);
            session.Insert(made);
        }

        return WithSealed(decision, text, key);
    }

    /// <summary>A new interview's key, made before the write, to seal its first text version (the rule's version 1 of the same text).</summary>
    internal sealed record Presealed(TextKey Stored, SealedText Sealed, string HmacSha256);

    internal static Presealed Preseal(KeyRing keys, Guid evaluationId, Guid evidenceId, IReadOnlyList<Guid> participants, NormalisedText text)
    {
        var (stored, key) = keys.NewTextKey(evaluationId, evidenceId, participants);
        return new Presealed(stored, TextVault.Seal(key, 1, text.Text), TextVault.Fingerprint(key, text.Text));
    }

    /// <summary>
    /// An accepted new item's stream, with its transcript replaced by the presealed one and the key
    /// stored beside it. A refusal stores nothing, and an item without a transcript no key.
    /// </summary>
    internal static Staged Sealed(Presealed? presealed, Guid id, Decision decision)
    {
        if (presealed is null || !decision.Accepted || decision.Events.OfType<TextVersionAdded>().FirstOrDefault() is not { } text)
        {
            return Staged.Item(id, decision, []);
        }

        return Staged.Item(id, WithSealed(decision, text, presealed.Sealed, presealed.HmacSha256), [presealed.Stored]);
    }

    private static Decision WithSealed(Decision decision, TextVersionAdded text, TextSecret key) =>
        WithSealed(decision, text, TextVault.Seal(key, text.Version, text.Text!), TextVault.Fingerprint(key, text.Text!));

    /// <summary>The decision with its text sealed, and fingerprinted under the text's key instead of a plain SHA-256.</summary>
    private static Decision WithSealed(Decision decision, TextVersionAdded text, SealedText sealedText, string hmacSha256)
    {
        var stored = text with { Text = null, Sha256 = null, Sealed = sealedText, HmacSha256 = hmacSha256 };
        return Decision.Accept([.. decision.Events.Select(e => ReferenceEquals(e, text) ? stored : e)]);
    }

    private static Rejection? Measure(string? text, string field) =>
        text is not null && Encoding.UTF8.GetByteCount(text) > EvidenceText.MaxBytes
            ? Rejection.TooLarge($"'{field}' is over the limit of {EvidenceText.MaxBytes / (1024 * 1024)} MB of UTF-8 text.")
            : null;

    internal static async Task<EvidenceContext> ContextAsync(IQuerySession session, Evaluation evaluation, IEnumerable<Guid> siteIds,
        Guid? pairingId, IEnumerable<Guid> participantIds, CancellationToken cancellation)
    {
        // One round trip for everything the rules look at.
        var batch = session.CreateBatchQuery();
        var context = LoadContext(batch, siteIds, [pairingId], participantIds);
        await batch.Execute(cancellation);
        return await context(evaluation);
    }

    /// <summary>
    /// One round trip for a write that checks access itself: the evaluation as stored now, the
    /// creation records already stored under any of <paramref name="creationIds"/> (a repeat is
    /// answered from its record, before anything is appended), and what the rules look at (their
    /// context, built once access is granted).
    /// </summary>
    internal static async Task<(Evaluation? Evaluation, IReadOnlyList<CreationRecord> Earlier, Func<Evaluation, Task<EvidenceContext>> Context)>
        ReadAsync(IQuerySession session, Guid evaluationId, IReadOnlyCollection<Guid> creationIds, IEnumerable<Guid> siteIds,
            IEnumerable<Guid?> pairingIds, IEnumerable<Guid> participantIds, CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var evaluation = batch.Load<Evaluation>(evaluationId);
        var earlier = creationIds.Count == 0 ? null : batch.LoadMany<CreationRecord>().ById<Guid>([.. creationIds.Distinct()]);
        var context = LoadContext(batch, siteIds, pairingIds, participantIds);
        await batch.Execute(cancellation);
        return (await evaluation, earlier is null ? [] : await earlier, context);
    }

    /// <summary>Adds to <paramref name="batch"/> the reads the evidence rules need; the result builds their context once the batch has run.</summary>
    private static Func<Evaluation, Task<EvidenceContext>> LoadContext(IBatchedQuery batch, IEnumerable<Guid> siteIds,
        IEnumerable<Guid?> pairingIds, IEnumerable<Guid> participantIds)
    {
        var siteLoad = batch.LoadMany<SiteTimeline>().ById<Guid>([.. siteIds.Distinct()]);
        var pairingLoad = batch.LoadMany<PairingTimeline>().ById<Guid>([.. pairingIds.OfType<Guid>().Distinct()]);
        var participantLoad = batch.LoadMany<ParticipantTimeline>().ById<Guid>([.. participantIds.Distinct()]);
        return async evaluation =>
        {
            var (sites, pairings, participants) = (await siteLoad, await pairingLoad, await participantLoad);
            return new EvidenceContext(evaluation,
                sites.Where(s => s.EvaluationId == evaluation.Id).ToDictionary(s => s.Id),
                pairings.Where(x => x.EvaluationId == evaluation.Id).ToDictionary(x => x.Id),
                participants.Where(x => x.EvaluationId == evaluation.Id).ToDictionary(x => x.Id));
        };
    }
}
