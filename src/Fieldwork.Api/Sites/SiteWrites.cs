using Fieldwork.Api.Evidence;
using Fieldwork.Sites;
using Fieldwork.Uniqueness;

namespace Fieldwork.Api.Sites;

public static class SiteWrites
{
    /// <summary>Enrols a site under its pseudonym code (unique within the evaluation).</summary>
    [WolverinePost("/api/evaluations/{evaluationId}/sites", OperationId = "enrolSite")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Enrol(Guid evaluationId, EnrolSite command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/sites/{id}", async (session, id) =>
        {
            var site = command.Valid();
            var claim = UniqueClaim.SiteCode(evaluationId, site.Code);
            if (await session.LoadAsync<UniqueClaim>(claim, http.RequestAborted) is not null)
            {
                return Rejection.Conflict($"The code '{site.Code}' is already used by another site of this evaluation.");
            }

            return session.Start<SiteTimeline>(id, SiteRules.Enrol(http.Access().Evaluation, id, site), claim);
        });

    /// <summary>Changes some of a site's attributes from a date on.</summary>
    [WolverinePost("/api/evaluations/{evaluationId}/sites/{siteId}/attributes", OperationId = "changeSiteAttributes")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<SiteView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> ChangeAttributes(Guid evaluationId, Guid siteId, ChangeSiteAttributes command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, siteId, (evaluation, site) => SiteRules.ChangeAttributes(evaluation, site, command.Valid()));

    /// <summary>Withdraws a site from a date on.</summary>
    [WolverinePost("/api/evaluations/{evaluationId}/sites/{siteId}/withdrawal", OperationId = "withdrawSite")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<SiteView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Withdraw(Guid evaluationId, Guid siteId, WithdrawSite command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, siteId, (evaluation, site) => SiteRules.Withdraw(evaluation, site, command.Valid()));

    private static Task<IResult> Change(HttpContext http, EventRecorder recorder, TimeTravel time, Guid siteId,
        Func<Fieldwork.Evaluations.Evaluation, SiteTimeline, Decision> rule) =>
        recorder.ChangeAsync<SiteTimeline>(http, siteId, "No such site in this evaluation.",
            site => rule(http.Access().Evaluation, site),
            async query =>
            {
                var timeline = await query.LoadAsync<SiteTimeline>(siteId, http.RequestAborted);
                var cut = time.ReadBack(timeline!.AsOf);
                var tally = await ServedEvidence.TallyAsync(query, timeline.EvaluationId, cut, http.RequestAborted, siteId);
                return TypedResults.Ok(SiteView.From(timeline.AsOf(cut)!, tally));
            });
}
