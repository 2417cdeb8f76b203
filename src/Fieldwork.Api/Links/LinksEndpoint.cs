using Fieldwork.Links;
using Fieldwork.Sites;

namespace Fieldwork.Api.Links;

public sealed record LinkView(Guid Id, Guid SiteAId, Guid SiteBId, DateOnly FormedOn, string? Note, int Version)
{
    public static LinkView From(Link link) => new(link.Id, link.SiteAId, link.SiteBId, link.FormedOn, link.Note, link.Version);
}

public static class LinksEndpoint
{
    /// <summary>Records an informal tie between two sites, inside or outside the programme.</summary>
    [WolverinePost("/api/evaluations/{evaluationId}/links", OperationId = "formLink")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Post(Guid evaluationId, FormLink command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/links/{id}", async (session, id) =>
        {
            var a = await session.LoadAsync<SiteTimeline>(command.SiteAId!.Value, http.RequestAborted);
            var b = await session.LoadAsync<SiteTimeline>(command.SiteBId!.Value, http.RequestAborted);
            return session.Start<Link>(id, LinkRules.Form(http.Access().Evaluation, id, command,
                a?.EvaluationId == evaluationId ? a : null, b?.EvaluationId == evaluationId ? b : null));
        });

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
