using Fieldwork.Api.Evidence;
using Fieldwork.Visits;

namespace Fieldwork.Api.Visits;

/// <summary>A visit as it stood at a cut: <c>loggedAt</c> is when the fieldworker wrote it down (as their device said, else when it was recorded), <c>recordedAt</c> the server's record time.</summary>
public sealed record VisitView(
    Guid Id,
    IReadOnlyList<Guid> SiteIds,
    DateOnly StartsOn,
    DateOnly EndsOn,
    Guid? WaveId,
    IReadOnlyList<string> FieldworkerIds,
    string? Purpose,
    string? Notes,
    string? LoggedBy,
    DateTimeOffset LoggedAt,
    DateTimeOffset RecordedAt,
    int ItemCount,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<EvidenceView>? Items = null)
{
    public static VisitView From(VisitState v, int items) =>
        new(v.Id, v.SiteIds, v.StartsOn, v.EndsOn, v.WaveId, v.FieldworkerIds, v.Purpose, v.Notes, v.LoggedBy, v.LoggedAt, v.RecordedAt, items);
}
