namespace Fieldwork.Api.Evaluations;

[Tags("Members")]
public static class MemberReads
{
    /// <summary>The evaluation's members and their roles.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/members", OperationId = "listMembers")]
    [Requires(Permission.ManageEvaluation)]
    [ProducesResponseType<Page<MemberView>>(StatusCodes.Status200OK)]
    public static IResult List(Guid evaluationId, HttpContext http)
    {
        var members = http.Access().Evaluation.Members.Select(m => new MemberView(m.UserId, m.Role)).ToList();
        return TypedResults.Ok(new Page<MemberView>(members, members.Count, 0, members.Count));
    }
}
