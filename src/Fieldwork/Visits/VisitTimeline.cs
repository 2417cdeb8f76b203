using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Visits;

/// <summary>What an item logged within a visit is checked against: the visit's days, sites and wave.</summary>
public sealed record VisitFrame(Guid Id, DateOnly StartsOn, DateOnly EndsOn, Guid? WaveId, IReadOnlyList<Guid> SiteIds);

/// <summary>A visit as read at a cut.</summary>
public sealed record VisitState(
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
    DateTimeOffset RecordedAt);

/// <summary>
/// One visit, as recorded. It is present at a cut once it is known (its record's sequence) and
/// has begun (its first day on or before asOf). Its items are the evidence items that name it.
/// </summary>
public sealed class VisitTimeline : IEventTimeline<VisitState>
{
    /// <summary>The event header that keeps when the fieldworker wrote a record down, as their device said.</summary>
    public const string LoggedAtHeader = "loggedAt";

    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public List<Guid> SiteIds { get; set; } = [];

    public DateOnly StartsOn { get; set; }

    public DateOnly EndsOn { get; set; }

    public Guid? WaveId { get; set; }

    public List<string> FieldworkerIds { get; set; } = [];

    public string? Purpose { get; set; }

    public string? Notes { get; set; }

    public string? LoggedBy { get; set; }

    /// <summary>When the fieldworker wrote it down, if their device said so.</summary>
    public DateTimeOffset? ClientLoggedAt { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public long Sequence { get; set; }

    public VisitFrame Frame => new(Id, StartsOn, EndsOn, WaveId, SiteIds);

    public void Record(IEvent e)
    {
        if (e.Data is not VisitLogged x)
        {
            return;
        }

        Id = x.VisitId;
        EvaluationId = x.EvaluationId;
        SiteIds = [.. x.SiteIds];
        StartsOn = x.StartsOn;
        EndsOn = x.EndsOn;
        WaveId = x.WaveId;
        FieldworkerIds = [.. x.FieldworkerIds];
        Purpose = x.Purpose;
        Notes = x.Notes;
        LoggedBy = e.UserName;
        ClientLoggedAt = LoggedAtOf(e);
        RecordedAt = e.RecordedAt();
        Sequence = e.Sequence;
    }

    /// <summary>The visit at the cut, or null before it is known or before its first day.</summary>
    public VisitState? AsOf(Cut cut) => cut.Knows(Sequence) && StartsOn <= cut.AsOf
        ? new VisitState(Id, SiteIds, StartsOn, EndsOn, WaveId, FieldworkerIds, Purpose, Notes, LoggedBy, ClientLoggedAt ?? RecordedAt, RecordedAt)
        : null;

    /// <summary>The client's <c>loggedAt</c> kept in an event's headers, if any.</summary>
    public static DateTimeOffset? LoggedAtOf(IEvent e) => TimeHeader(e, LoggedAtHeader);

    /// <summary>A time kept in an event's headers (ISO 8601), if any.</summary>
    public static DateTimeOffset? TimeHeader(IEvent e, string header) =>
        e.Headers?.TryGetValue(header, out var value) == true && value is not null
        && DateTimeOffset.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? at
            : null;
}
