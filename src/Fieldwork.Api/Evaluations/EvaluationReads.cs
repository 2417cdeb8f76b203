using Fieldwork.Api.Auth;
using Fieldwork.Evaluations;

namespace Fieldwork.Api.Evaluations;

public static class EvaluationReads
{
    /// <summary>The evaluations the caller belongs to.</summary>
    [WolverineGet("/api/evaluations", OperationId = "listEvaluations")]
    [ProducesResponseType<Page<EvaluationView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(HttpContext http, IQuerySession session, int? offset, int? limit)
    {
        if (Paging.Check(offset, limit) is { } invalid)
        {
            return invalid;
        }

        var (skip, take) = Paging.Resolve(offset, limit);
        var userId = http.User.UserId();
        var page = await session.Query<Evaluation>()
            .Stats(out var stats)
            .Where(e => e.Members.Any(m => m.UserId == userId))
            .OrderBy(e => e.Name).ThenBy(e => e.Id)
            .Skip(skip).Take(take)
            .ToListAsync(http.RequestAborted);
        var items = page.Select(e => EvaluationView.From(e, e.RoleOf(userId)!.Value)).ToList();
        return TypedResults.Ok(new Page<EvaluationView>(items, (int)stats.TotalResults, skip, take));
    }

    /// <summary>One evaluation, with its waves, the caller's role, and what has been collected so far (in total and by wave).</summary>
    [WolverineGet("/api/evaluations/{evaluationId}", OperationId = "getEvaluation")]
    [Requires(Permission.ReadEvaluation)]
    [ProducesResponseType<EvaluationView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid evaluationId, HttpContext http, IQuerySession session, Timeline.TimeTravel time)
    {
        var access = http.Access();
        var tally = await Evidence.ServedEvidence.TallyAsync(session, evaluationId, time.Today, http.RequestAborted);
        return TypedResults.Ok(EvaluationView.From(access.Evaluation, access.Role) with { Counts = tally.Total, CountsByWave = tally.ByWave() });
    }
}
