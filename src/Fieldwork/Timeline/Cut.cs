namespace Fieldwork.Timeline;

/// <summary>
/// A point of the evaluation's two timelines (DOMAIN.md, "Two kinds of time"):
/// <see cref="AsOf"/> is valid time (facts dated on or before it are in force; a date means the
/// end of that day in UTC), <see cref="KnownUpTo"/> is knowledge time as a position in the
/// event log: only events with a sequence at or below it are known. Both default to "now".
/// </summary>
public readonly record struct Cut(DateOnly AsOf, long KnownUpTo)
{
    public static Cut Now(DateOnly today) => new(today, long.MaxValue);

    public bool Knows(long sequence) => sequence <= KnownUpTo;

    /// <summary>
    /// For acts of analysis (codings, memos, codebook changes), which happen when they are
    /// recorded: in force at the cut if recorded by the end of the asOf day and known by knownAt.
    /// </summary>
    public bool Saw(long sequence, DateTimeOffset recordedAt) => Knows(sequence) && recordedAt <= EndOfAsOf;

    /// <summary>The last instant of the asOf day, in UTC.</summary>
    public DateTimeOffset EndOfAsOf => AsOf == DateOnly.MaxValue
        ? DateTimeOffset.MaxValue
        : new DateTimeOffset(AsOf.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(-1);
}
