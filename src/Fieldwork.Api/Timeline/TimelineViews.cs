using System.Text.Json.Nodes;
using Fieldwork.Api.Pairings;
using Fieldwork.Api.Sites;

namespace Fieldwork.Api.Timeline;

public sealed record StateView(
    string AsOf,
    DateTimeOffset? KnownAt,
    Fieldwork.Evidence.EvidenceCounts Counts,
    IReadOnlyList<Fieldwork.Evidence.WaveCounts> CountsByWave,
    IReadOnlyList<SiteView> Sites,
    IReadOnlyList<PairingView> Pairings);

public sealed record FieldChange(string Field, JsonNode? Before, JsonNode? After);

public sealed record EntityChanges(Guid Id, IReadOnlyList<FieldChange> Changes);

public sealed record ChangesView(string From, string To, DateTimeOffset? KnownAt, IReadOnlyList<EntityChanges> Sites, IReadOnlyList<EntityChanges> Pairings);
