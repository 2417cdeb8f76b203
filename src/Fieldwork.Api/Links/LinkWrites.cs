using Fieldwork.Links;
using Fieldwork.Sites;

namespace Fieldwork.Api.Links;

public static class LinkWrites
{
    /// <summary>Records an informal tie between two sites, inside or outside the programme.</summary>
    [WolverinePost("/api/evaluations/{evaluationId}/links", OperationId = "formLink")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Post(Guid evaluationId, FormLink command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/links/{id}", async (session, id) =>
        {
            var link = command.Valid();
            var a = await session.LoadAsync<SiteTimeline>(link.SiteAId, http.RequestAborted);
            var b = await session.LoadAsync<SiteTimeline>(link.SiteBId, http.RequestAborted);
            return session.Start<Link>(id, LinkRules.Form(http.Access().Evaluation, id, link,
                a?.EvaluationId == evaluationId ? a : null, b?.EvaluationId == evaluationId ? b : null));
        });
}
