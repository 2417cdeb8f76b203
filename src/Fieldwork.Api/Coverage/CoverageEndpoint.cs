namespace Fieldwork.Api.Coverage;

public static class CoverageEndpoint
{
    /// <summary>
    /// Per wave (or only waveId) and site: what the plan asks, what was done by asOf as known at
    /// knownAt (visits, interviews, observations, documents, minutes observed), and the status.
    /// </summary>
    /// <remarks>
    /// An item counts for the wave it was logged with, else for the wave whose dates hold its
    /// field date (none if no wave does), at each of its sites. Voided items do not count; a
    /// correction counts from when it was recorded. The plan is the one known at knownAt.
    /// </remarks>
    [WolverineGet("/api/evaluations/{evaluationId}/coverage", OperationId = "getCoverage")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType<CoverageView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid? waveId, string? asOf, string? knownAt, HttpContext http,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            var known = await CoverageReads.WavesAsync(session, http.Access().Evaluation, cut, cancellation);
            var waves = waveId is { } id ? [.. known.Where(w => w.Id == id)] : known;
            if (waveId is not null && waves.Count == 0)
            {
                return ProblemResults.NotFound(cut.KnownUpTo == long.MaxValue
                    ? "No such wave in this evaluation."
                    : "No such wave in this evaluation at that time.");
            }

            var (coverage, codes) = await CoverageReads.CoverageAsync(session, evaluationId, waves, known, cut, cancellation);
            return TypedResults.Ok(CoverageView.Of(cut.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                time.KnownAt(knownAt), [.. coverage.Select(c => WaveCoverageView.From(c, codes))]));
        });
}
