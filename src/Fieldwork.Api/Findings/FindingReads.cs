using Fieldwork.Findings;

namespace Fieldwork.Api.Findings;

public static class FindingReads
{
    private const string Route = "/api/evaluations/{evaluationId}/findings";

    /// <summary>Findings as they stood at the cut, filtered by status or by a site, pairing or wave in their scope; oldest first.</summary>
    [WolverineGet(Route, OperationId = "listFindings")]
    [Requires(Permission.ReadFindings)]
    [ProducesResponseType<Page<FindingView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, FindingStatus? status, Guid? siteId, Guid? pairingId, Guid? waveId,
        string? asOf, string? knownAt, int? offset, int? limit, IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var findings = (await session.StatesAtAsync<FindingTimeline, FindingState>(evaluationId, cut, cancellation))
                .Where(f => status is null || f.Status == status)
                .Where(f => siteId is null || f.SiteIds.Contains(siteId.Value))
                .Where(f => pairingId is null || f.PairingIds.Contains(pairingId.Value))
                .Where(f => waveId is null || f.WaveIds.Contains(waveId.Value))
                .OrderBy(f => f.History[0].RecordedAt).ThenBy(f => f.Id)
                .Select(FindingView.From)
                .ToList();
            return TypedResults.Ok(Paging.Of(findings, offset, limit));
        });

    /// <summary>One finding as it stood at the cut, with its linked evidence and every version.</summary>
    [WolverineGet(Route + "/{findingId}", OperationId = "getFinding")]
    [Requires(Permission.ReadFindings)]
    [ProducesResponseType<FindingView>(StatusCodes.Status200OK)]
    public static Task<IResult> GetOne(Guid evaluationId, Guid findingId, string? asOf, string? knownAt, IQuerySession session,
        TimeTravel time, CancellationToken cancellation) =>
        time.ReadOneAsync<FindingTimeline, FindingState, FindingView>(session, evaluationId, findingId, asOf, knownAt, FindingView.From,
            "No such finding in this evaluation at that time.", cancellation);

    /// <summary>
    /// Everything a finding rests on, as a tree (format=tree, the default) or as W3C PROV-JSON
    /// (format=prov-json): its versions and who made them, each linked coding (coder, time, the
    /// code as defined when the coding was made, the quote), the text version (hash), the evidence
    /// item (kind, field date, who logged it, corrections), its sites, pairing, wave and
    /// participants (pseudonyms, consent on the field date). Flags name links that no longer hold.
    /// Without a format, an Accept header asking for application/prov+json chooses PROV-JSON.
    /// </summary>
    [WolverineGet(Route + "/{findingId}/provenance", OperationId = "getFindingProvenance")]
    [Requires(Permission.ReadProvenance)]
    [ProducesResponseType<ProvenanceView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Provenance(Guid evaluationId, Guid findingId, string? format, HttpContext http, IQuerySession session,
        Fieldwork.Secrets.KeyRing keyRing, CancellationToken cancellation)
    {
        var prov = format?.Trim().ToLowerInvariant() switch
        {
            null or "" => http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(ProvJson.MediaType, StringComparison.OrdinalIgnoreCase)),
            "tree" => false,
            "prov-json" => true,
            _ => (bool?)null,
        };
        if (prov is null)
        {
            return ProblemResults.Invalid(new Dictionary<string, string[]> { ["format"] = ["'format' must be tree or prov-json."] });
        }

        if ((await session.LoadInAsync<FindingTimeline>(evaluationId, findingId, cancellation))?.Current is not { } state)
        {
            return ProblemResults.NotFound("No such finding in this evaluation.");
        }

        var view = await ProvenanceReader.ReadAsync(session, keyRing, http.Access().Evaluation, state, cancellation);
        return prov.Value
            ? TypedResults.Text(ProvJson.From(view).ToJsonString(), ProvJson.MediaType)
            : TypedResults.Ok(view);
    }
}
