using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Findings;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Sites;

namespace Fieldwork.Api.Findings;

public static class FindingWrites
{
    private const string Route = "/api/evaluations/{evaluationId}/findings";

    /// <summary>Drafts a finding: a statement with its scope (sites, pairings, waves of this evaluation).</summary>
    [WolverinePost(Route, OperationId = "draftFinding")]
    [Requires(Permission.WriteFindings)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Draft(Guid evaluationId, DraftFinding command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/findings/{id}", async (session, id) =>
        {
            var finding = command.Valid();
            var batch = session.CreateBatchQuery();
            var sites = batch.LoadMany<SiteTimeline>().ById([.. finding.SiteIds]);
            var pairings = batch.LoadMany<PairingTimeline>().ById([.. finding.PairingIds]);
            await batch.Execute(http.RequestAborted);
            return session.Start<FindingTimeline>(id, FindingRules.Draft(evaluationId, id, finding,
                (await sites).Where(s => s.EvaluationId == evaluationId).Select(s => s.Id).ToHashSet(),
                (await pairings).Where(p => p.EvaluationId == evaluationId).Select(p => p.Id).ToHashSet(),
                http.Access().Evaluation.Waves.Select(w => w.Id).ToHashSet()));
        });

    /// <summary>Rewrites the statement; expectedVersion is the finding's version as last read.</summary>
    [WolverinePost(Route + "/{findingId}/revisions", OperationId = "reviseFinding")]
    [Requires(Permission.WriteFindings)]
    [ProducesResponseType<FindingView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Revise(Guid evaluationId, Guid findingId, ReviseFinding command, HttpContext http, EventRecorder recorder) =>
        Change(http, recorder, evaluationId, findingId, (_, finding) => Task.FromResult(FindingRules.Revise(evaluationId, finding, command.Valid())));

    /// <summary>Links live codings and memos of this evaluation as supporting or contrary evidence.</summary>
    [WolverinePost(Route + "/{findingId}/evidence", OperationId = "linkFindingEvidence")]
    [Requires(Permission.WriteFindings)]
    [ProducesResponseType<FindingView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Link(Guid evaluationId, Guid findingId, LinkFindingEvidence command, HttpContext http, EventRecorder recorder) =>
        Change(http, recorder, evaluationId, findingId, async (session, finding) =>
        {
            var link = command.Valid();
            var codings = await LiveCodingsAsync(session, evaluationId, link.CodingIds, http.RequestAborted);
            if (codings.Where(c => c.Value.Evidence.Void is not null).Select(c => c.Key).Order().ToList() is { Count: > 0 } voided)
            {
                return Rejection.Conflict($"Codings in voided evidence cannot support or contradict a finding: {string.Join(", ", voided)}.");
            }

            var memos = (await session.LoadManyAsync<MemoTimeline>(http.RequestAborted, link.MemoIds))
                .Where(m => m.EvaluationId == evaluationId).Select(m => m.Id).ToHashSet();
            return FindingRules.Link(evaluationId, finding, link, codings.Keys.ToHashSet(), memos);
        });

    /// <summary>Unlinks a coding or memo; expectedVersion (query) is the finding's version as last read.</summary>
    [WolverineDelete(Route + "/{findingId}/evidence/{itemId}", OperationId = "unlinkFindingEvidence")]
    [Requires(Permission.WriteFindings)]
    [ProducesResponseType<FindingView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Unlink(Guid evaluationId, Guid findingId, Guid itemId, int? expectedVersion, HttpContext http,
        EventRecorder recorder) =>
        Change(http, recorder, evaluationId, findingId,
            (_, finding) => Task.FromResult(FindingRules.Unlink(evaluationId, finding, itemId, expectedVersion)));

    /// <summary>
    /// Moves the finding through review (draft, underReview, accepted, reported, retracted) with
    /// a note. A reported finding can only be retracted; a finding cannot be reported while a
    /// supporting coding quotes a participant whose consent on the field date did not allow it.
    /// </summary>
    [WolverinePost(Route + "/{findingId}/status", OperationId = "changeFindingStatus")]
    [Requires(Permission.WriteFindings)]
    [ProducesResponseType<FindingView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> ChangeStatus(Guid evaluationId, Guid findingId, ChangeFindingStatus command, HttpContext http,
        EventRecorder recorder) =>
        Change(http, recorder, evaluationId, findingId, async (session, finding) =>
        {
            var change = command.Valid();
            var (unquotable, withdrawn) = change.Status == FindingStatus.Reported
                ? await ReportBlockersAsync(session, evaluationId, finding, http.RequestAborted)
                : ([], []);
            return FindingRules.ChangeStatus(evaluationId, finding, change, unquotable, withdrawn);
        });

    private static Task<IResult> Change(HttpContext http, EventRecorder recorder, Guid evaluationId, Guid findingId,
        Func<IDocumentSession, FindingState, Task<Decision>> rule) =>
        recorder.ChangeAsync<FindingTimeline>(http, findingId, "No such finding in this evaluation.",
            async (session, finding) => finding.Current is { } state ? await rule(session, state) : Rejection.NotFound("No such finding in this evaluation."),
            async query =>
            {
                var finding = await query.LoadAsync<FindingTimeline>(findingId, http.RequestAborted);
                return TypedResults.Ok(FindingView.From(finding!.Current!));
            });

    /// <summary>The named codings that are live (applied, not removed) in this evaluation, with the evidence they sit in.</summary>
    internal static async Task<IReadOnlyDictionary<Guid, (EvidenceTimeline Evidence, CodingRecord Coding)>> LiveCodingsAsync(
        IQuerySession session, Guid evaluationId, IReadOnlyCollection<Guid> codingIds, CancellationToken cancellation)
    {
        var locators = (await session.QueryByPlanAsync(new CodingLocations(codingIds), cancellation)).Values
            .Where(l => l.EvaluationId == evaluationId).ToList();
        var evidence = (await session.LoadManyAsync<EvidenceTimeline>(cancellation, locators.Select(l => l.EvidenceId).Distinct()))
            .ToDictionary(e => e.Id);
        var live = new Dictionary<Guid, (EvidenceTimeline, CodingRecord)>();
        foreach (var locator in locators)
        {
            if (evidence.TryGetValue(locator.EvidenceId, out var item)
                && item.Codings.FirstOrDefault(c => c.Id == locator.Id && c.RemovedSequence is null) is { } coding)
            {
                live[locator.Id] = (item, coding);
            }
        }

        return live;
    }

    /// <summary>
    /// What keeps a finding from being reported, through its supporting codings: the pseudonyms of
    /// participants whose consent on the field date did not allow quoting, and each coding that
    /// rests on the material of a participant who has withdrawn since (erased or not).
    /// </summary>
    private static async Task<(IReadOnlyList<string> Unquotable, IReadOnlyList<string> Withdrawn)> ReportBlockersAsync(IQuerySession session,
        Guid evaluationId, FindingState finding, CancellationToken cancellation)
    {
        var supporting = finding.Evidence.Where(l => l.Kind == FindingItemKind.Coding && l.Stance == Stance.Supporting).Select(l => l.ItemId).ToList();
        var codings = await LiveCodingsAsync(session, evaluationId, supporting, cancellation);
        var quoted = codings.Values.Select(c => c.Evidence).DistinctBy(e => e.Id)
            .SelectMany(e => e.Current.ParticipantIds.Select(p => (Participant: p, On: e.Current.On)))
            .ToList();
        var participants = (await session.LoadManyAsync<ParticipantTimeline>(cancellation, quoted.Select(q => q.Participant).Distinct()))
            .ToDictionary(p => p.Id);
        var unquotable = quoted
            .Where(q => !participants.TryGetValue(q.Participant, out var p) || p.ConsentOn(q.On)?.Quote != true)
            .Select(q => participants.TryGetValue(q.Participant, out var p) ? p.Pseudonym : q.Participant.ToString())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        var withdrawn = codings
            .SelectMany(c => c.Value.Evidence.Current.ParticipantIds
                .Select(id => participants.GetValueOrDefault(id))
                .OfType<ParticipantTimeline>()
                .Where(p => p.WithdrawnOn is not null)
                .Select(p => $"coding {c.Key} ({p.Pseudonym} withdrew on {p.WithdrawnOn:yyyy-MM-dd}" +
                             (p.TranscriptsErased && c.Value.Evidence.Kind == EvidenceKind.Interview ? ", its text erased)" : ")")))
            .Order(StringComparer.Ordinal)
            .ToList();
        return (unquotable, withdrawn);
    }
}
