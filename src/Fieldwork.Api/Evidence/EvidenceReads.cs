using System.Text.Json.Serialization;
using Fieldwork.Api.Coding;
using Fieldwork.Coding;
using Fieldwork.Evidence;

namespace Fieldwork.Api.Evidence;

/// <summary>One text version: its length in code points, its SHA-256, and the text (null with <c>erased</c> once its key is destroyed).</summary>
/// <summary>
/// One text version: <c>sha256</c> (SHA-256 of its UTF-8) when it is stored in the clear;
/// <c>hmacSha256</c> (HMAC-SHA256 under the transcript's own key) when it is sealed, so that its
/// fingerprint dies with the key and confirms no guess about an erased transcript.
/// </summary>
public sealed record TextView(int Version, int Length, string? Sha256, string? Text, bool Erased, string? HmacSha256);

/// <summary>Why and when an item was voided, and by whom.</summary>
public sealed record VoidView(string Reason, string? VoidedBy, DateTimeOffset VoidedAt);

public sealed record EvidenceView(
    Guid Id,
    EvidenceKind Kind,
    DateOnly? OccurredOn,
    DateOnly? CapturedOn,
    DateOnly? IssuedOn,
    Guid? WaveId,
    IReadOnlyList<Guid> SiteIds,
    Guid? PairingId,
    IReadOnlyList<Guid> ParticipantIds,
    InterviewFormat? Format,
    InterviewMode? Mode,
    ObservationSetting? Setting,
    int? DurationMinutes,
    string? Title,
    string? Issuer,
    string? DocumentType,
    string? SourceRef,
    int TextVersions,
    string? LoggedBy,
    DateTimeOffset LoggedAt,
    int Version,
    VoidView? Voided,
    Guid? VisitId,
    DateTimeOffset RecordedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TextView>? Texts = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CodingView>? Codings = null)
{
    public static EvidenceView From(EvidenceState s)
    {
        var d = s.Details;
        var document = d.Kind == EvidenceKind.Document;
        return new EvidenceView(s.Id, d.Kind, document ? null : d.On, document ? d.On : null, d.IssuedOn, d.WaveId, d.SiteIds, d.PairingId,
            d.ParticipantIds, d.Format, d.Mode, d.Setting, d.DurationMinutes, d.Title, d.Issuer, d.DocumentType, d.SourceRef, s.Texts.Count,
            s.LoggedBy, s.ClientLoggedAt ?? s.LoggedAt, s.Version, s.Void is { } v ? new VoidView(v.Reason, v.VoidedBy, v.VoidedAt) : null,
            s.VisitId, s.LoggedAt);
    }
}

public static class EvidenceReads
{
    private const string Route = "/api/evaluations/{evaluationId}/evidence";

    /// <summary>
    /// The evidence that had happened by asOf, as known at knownAt, filtered by site, pairing, wave or kind; oldest first.
    /// Items voided (as known at knownAt) are left out unless includeVoided=true, which lists them with their void.
    /// </summary>
    [WolverineGet(Route, OperationId = "listEvidence")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType<Page<EvidenceView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, Guid? siteId, Guid? pairingId, Guid? waveId, EvidenceKind? kind,
        bool? includeVoided, string? asOf, string? knownAt, int? offset, int? limit, IQuerySession session, TimeTravel time,
        CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var items = (await ServedEvidence.AsOfAsync(session, evaluationId, cut, cancellation, includeVoided == true))
                .Where(e => siteId is null || e.Details.SiteIds.Contains(siteId.Value))
                .Where(e => pairingId is null || e.Details.PairingId == pairingId)
                .Where(e => waveId is null || e.Details.WaveId == waveId)
                .Where(e => kind is null || e.Details.Kind == kind)
                .OrderBy(e => e.Details.On).ThenBy(e => e.LoggedAt).ThenBy(e => e.Id)
                .Select(EvidenceView.From)
                .ToList();
            return TypedResults.Ok(Paging.Of(items, offset, limit));
        });

    /// <summary>One evidence item as it stood at asOf, as known at knownAt, with its text versions and codings (and, once voided, its void).</summary>
    [WolverineGet(Route + "/{evidenceId}", OperationId = "getEvidence")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType<EvidenceView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid evidenceId, string? asOf, string? knownAt, IQuerySession session,
        TimeTravel time, Fieldwork.Secrets.KeyRing keyRing, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            if (await session.LoadAsync<EvidenceTimeline>(evidenceId, cancellation) is not { } item || item.EvaluationId != evaluationId
                || item.AsOfWithVoided(cut) is not { } state)
            {
                return ProblemResults.NotFound("No such evidence in this evaluation at that time.");
            }

            return TypedResults.Ok(await WithTextsAsync(session, keyRing, evaluationId, state, cut, cancellation));
        });

    /// <summary>The item as it stands today (or as logged, if its field date is still to come), with texts.</summary>
    internal static async Task<EvidenceView> ViewAsync(IQuerySession session, Fieldwork.Secrets.KeyRing keyRing, Guid evidenceId, TimeTravel time,
        CancellationToken cancellation)
    {
        var item = await session.LoadAsync<EvidenceTimeline>(evidenceId, cancellation)
                   ?? throw new InvalidOperationException("evidence just written is missing");
        var state = item.AsOfWithVoided(time.ReadBack(item.AsOfWithVoided))!;
        return await WithTextsAsync(session, keyRing, item.EvaluationId, state, Cut.Now(DateOnly.MaxValue), cancellation);
    }

    private static async Task<EvidenceView> WithTextsAsync(IQuerySession session, Fieldwork.Secrets.KeyRing keyRing, Guid evaluationId, EvidenceState state, Cut cut, CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(state.Id, token: cancellation);
        var batch = session.CreateBatchQuery();
        var keyLoad = batch.Load<TextKey>(state.Id);
        var codebookLoad = batch.Load<Codebook>(Codebook.StreamId(evaluationId));
        await batch.Execute(cancellation);
        var key = await keyLoad;
        var texts = events
            .Where(e => cut.Knows(e.Sequence))
            .Select(e => e.Data)
            .OfType<TextVersionAdded>()
            .Select(t =>
            {
                var text = t.Sealed is { } sealedText ? TextVault.Open(keyRing.Open(key), t.Version, sealedText) : t.Text;
                return new TextView(t.Version, t.Length, t.Sha256, text, text is null, t.HmacSha256);
            })
            .ToList();
        var codes = (await codebookLoad)?.AsOf(cut) ?? new Dictionary<Guid, CodeState>();
        var snapshot = CodingSnapshot.ForItem(codes, state);
        var quotes = Quotes.Of(texts.Select(t => (state.Id, t.Version, t.Text)));
        var codings = snapshot.Segments
            .OrderBy(s => s.Coding.TextVersion).ThenBy(s => s.Coding.Start).ThenBy(s => s.Coding.End).ThenBy(s => s.Coding.Id)
            .Select(s => CodingView.From(s, snapshot, quotes))
            .ToList();
        return EvidenceView.From(state) with { Texts = texts, Codings = codings };
    }
}
