namespace Fieldwork.Pairings;

public enum ExchangeDirection
{
    ExemplarToFollower,
    FollowerToExemplar,
    Mutual,
}

public enum ExchangeChannel
{
    Formal,
    Informal,
}

public enum PairingStatus
{
    Proposed,
    Established,
    Dissolved,
}

public enum Flow
{
    None,
    OneWay,
    TwoWay,
}

/// <summary>An exemplar and a follower were proposed as partners.</summary>
public sealed record PairingProposed(Guid EvaluationId, Guid PairingId, Guid ExemplarSiteId, Guid FollowerSiteId, DateOnly ProposedOn);

/// <summary>The partnership was formally set up.</summary>
public sealed record PairingEstablished(Guid EvaluationId, Guid PairingId, DateOnly EstablishedOn);

/// <summary>How well the two sites fit: technology, geography, history and culture.</summary>
public sealed record AlignmentAssessed(
    Guid EvaluationId,
    Guid PairingId,
    DateOnly AssessedOn,
    bool SameSystem,
    bool SameRegion,
    decimal? DistanceKm,
    bool PriorLinks,
    int CulturalFit,
    string? Note);

/// <summary>Learning was seen flowing within the pairing.</summary>
public sealed record KnowledgeExchangeObserved(
    Guid EvaluationId,
    Guid PairingId,
    Guid ExchangeId,
    DateOnly OccurredOn,
    ExchangeDirection Direction,
    ExchangeChannel Channel,
    string Topic,
    IReadOnlyList<Guid> EvidenceIds);

/// <summary>The partnership ended.</summary>
public sealed record PairingDissolved(Guid EvaluationId, Guid PairingId, DateOnly DissolvedOn, string Reason);

/// <summary>Dates logged earlier were wrong; from this record on, these are the right ones.</summary>
public sealed record PairingDatesCorrected(Guid EvaluationId, Guid PairingId, DateOnly? ProposedOn, DateOnly? EstablishedOn, DateOnly? DissolvedOn);
