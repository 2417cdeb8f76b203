using Fieldwork.Links;

namespace Fieldwork.Api.Links;

public static class LinkReads
{
    /// <summary>The links that stood at asOf, as known at knownAt (both default to now), oldest first.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/links", OperationId = "listLinks")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<Page<LinkView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var links = await session.Query<Link>().Where(l => l.EvaluationId == evaluationId).ToListAsync(cancellation);
            var standing = links.Where(l => l.StoodAt(cut)).OrderBy(l => l.FormedOn).ThenBy(l => l.Sequence).Select(LinkView.From).ToList();
            return TypedResults.Ok(Paging.Of(standing, offset, limit));
        });

    /// <summary>One link, if it stood at asOf as known at knownAt.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/links/{linkId}", OperationId = "getLink")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<LinkView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid linkId, string? asOf, string? knownAt, IQuerySession session,
        TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            return await session.LoadAsync<Link>(linkId, cancellation) is { } link && link.EvaluationId == evaluationId && link.StoodAt(cut)
                ? TypedResults.Ok(LinkView.From(link))
                : ProblemResults.NotFound("No such link in this evaluation at that time.");
        });
}
