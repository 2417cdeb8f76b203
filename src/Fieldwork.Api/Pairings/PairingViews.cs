using Fieldwork.Evidence;
using Fieldwork.Pairings;

namespace Fieldwork.Api.Pairings;

public sealed record ExchangeCountsView(int ExemplarToFollower, int FollowerToExemplar, int Mutual, int Formal, int Informal);

/// <summary>A pairing as read, with its two sites' codes so that an answer reads without a join.</summary>
public sealed record PairingView(
    Guid Id,
    Guid ExemplarSiteId,
    string ExemplarSiteCode,
    Guid FollowerSiteId,
    string FollowerSiteCode,
    PairingStatus Status,
    DateOnly ProposedOn,
    DateOnly? EstablishedOn,
    DateOnly? DissolvedOn,
    Alignment? Alignment,
    ExchangeCountsView Exchanges,
    Flow Flow,
    int Version,
    EvidenceCounts Counts,
    IReadOnlyList<WaveCounts> CountsByWave)
{
    /// <summary>The pairing with the evidence logged against it, counted at the same cut.</summary>
    public static PairingView From(PairingState p, EvidenceTally tally, IReadOnlyDictionary<Guid, string> siteCodes) => new(p.Id,
        p.ExemplarSiteId, siteCodes.GetValueOrDefault(p.ExemplarSiteId, ""), p.FollowerSiteId, siteCodes.GetValueOrDefault(p.FollowerSiteId, ""),
        p.Status, p.ProposedOn,
        p.EstablishedOn, p.DissolvedOn, p.Alignment,
        new ExchangeCountsView(p.Exchanges.ExemplarToFollower, p.Exchanges.FollowerToExemplar, p.Exchanges.Mutual,
            p.Exchanges.Formal, p.Exchanges.Informal),
        p.Flow, p.Version, tally.ForPairing(p.Id), tally.ByWave(p.Id));
}

public sealed record ExchangeView(
    Guid Id,
    DateOnly OccurredOn,
    ExchangeDirection Direction,
    ExchangeChannel Channel,
    string Topic,
    IReadOnlyList<Guid> EvidenceIds,
    DateTimeOffset RecordedAt,
    string? RecordedBy);
