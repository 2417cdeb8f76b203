using Fieldwork.Findings;

namespace Fieldwork.Api.Findings;

public sealed record FindingView(
    Guid Id,
    string Statement,
    IReadOnlyList<Guid> SiteIds,
    IReadOnlyList<Guid> PairingIds,
    IReadOnlyList<Guid> WaveIds,
    FindingStatus Status,
    IReadOnlyList<FindingLink> Evidence,
    int Version,
    string? DraftedBy,
    DateTimeOffset DraftedAt,
    DateTimeOffset RevisedAt,
    IReadOnlyList<FindingVersion> History)
{
    public static FindingView From(FindingState f) => new(f.Id, f.Statement, f.SiteIds, f.PairingIds, f.WaveIds, f.Status, f.Evidence,
        f.Version, f.History[0].By, f.History[0].RecordedAt, f.History[^1].RecordedAt, f.History);
}
