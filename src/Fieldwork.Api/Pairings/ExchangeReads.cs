using Fieldwork.Pairings;

namespace Fieldwork.Api.Pairings;

public static class ExchangeReads
{
    private const string Route = "/api/evaluations/{evaluationId}/pairings/{pairingId}/exchanges";

    /// <summary>The knowledge exchanges of a pairing that had occurred by asOf, as known at knownAt, in field-date order.</summary>
    [WolverineGet(Route, OperationId = "listExchanges")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<Page<ExchangeView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(Guid evaluationId, Guid pairingId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation)
    {
        if (Paging.Check(offset, limit) is { } invalid)
        {
            return invalid;
        }

        var (exchanges, problem) = await ReadAsync(evaluationId, pairingId, asOf, knownAt, session, time, cancellation);
        return problem ?? TypedResults.Ok(Paging.Of(exchanges, offset, limit));
    }

    /// <summary>One knowledge exchange.</summary>
    [WolverineGet(Route + "/{exchangeId}", OperationId = "getExchange")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<ExchangeView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid evaluationId, Guid pairingId, Guid exchangeId, string? asOf, string? knownAt,
        IQuerySession session, TimeTravel time, CancellationToken cancellation)
    {
        var (exchanges, problem) = await ReadAsync(evaluationId, pairingId, asOf, knownAt, session, time, cancellation);
        return problem
               ?? (exchanges.FirstOrDefault(x => x.Id == exchangeId) is { } exchange
                   ? TypedResults.Ok(exchange)
                   : ProblemResults.NotFound("No such exchange in this pairing at that time."));
    }

    private static async Task<(IReadOnlyList<ExchangeView> Exchanges, IResult? Problem)> ReadAsync(Guid evaluationId, Guid pairingId,
        string? asOf, string? knownAt, IQuerySession session, TimeTravel time, CancellationToken cancellation)
    {
        var (cut, problem) = await time.ResolveAsync(session, asOf, knownAt, cancellation);
        if (problem is not null)
        {
            return ([], problem);
        }

        if (await session.LoadAsync<PairingTimeline>(pairingId, cancellation) is not { } pairing || pairing.EvaluationId != evaluationId
            || pairing.AsOf(cut) is null)
        {
            return ([], ProblemResults.NotFound("No such pairing in this evaluation at that time."));
        }

        var events = await session.Events.FetchStreamAsync(pairingId, token: cancellation);
        var exchanges = events
            .Where(e => cut.Knows(e.Sequence) && e.Data is KnowledgeExchangeObserved x && x.OccurredOn <= cut.AsOf)
            .Select(e => (Event: e, Data: (KnowledgeExchangeObserved)e.Data))
            .OrderBy(x => x.Data.OccurredOn).ThenBy(x => x.Event.Sequence)
            .Select(x => new ExchangeView(x.Data.ExchangeId, x.Data.OccurredOn, x.Data.Direction, x.Data.Channel, x.Data.Topic,
                x.Data.EvidenceIds, x.Event.Timestamp, x.Event.UserName))
            .ToList();
        return (exchanges, null);
    }
}
