using Fieldwork.Pairings;

namespace Fieldwork.Api.Pairings;

public sealed record ExchangeCountsView(int ExemplarToFollower, int FollowerToExemplar, int Mutual, int Formal, int Informal);

public sealed record PairingView(
    Guid Id,
    Guid ExemplarSiteId,
    Guid FollowerSiteId,
    PairingStatus Status,
    DateOnly ProposedOn,
    DateOnly? EstablishedOn,
    DateOnly? DissolvedOn,
    Alignment? Alignment,
    ExchangeCountsView Exchanges,
    Flow Flow,
    int Version)
{
    public static PairingView From(PairingState p) => new(p.Id, p.ExemplarSiteId, p.FollowerSiteId, p.Status, p.ProposedOn,
        p.EstablishedOn, p.DissolvedOn, p.Alignment,
        new ExchangeCountsView(p.Exchanges.ExemplarToFollower, p.Exchanges.FollowerToExemplar, p.Exchanges.Mutual,
            p.Exchanges.Formal, p.Exchanges.Informal),
        p.Flow, p.Version);
}
