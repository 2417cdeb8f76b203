using System.Globalization;

namespace Fieldwork.Api.Timeline;

/// <summary>
/// Reads <c>asOf</c> and <c>knownAt</c> from a query string into a <see cref="Cut"/>: a date
/// means the end of that day in UTC, an instant (ISO 8601 with an offset) is taken as it is;
/// both default to now. A knownAt on a route under an evaluation resolves within that
/// evaluation's log (<see cref="ServedState.SequenceKnownAtAsync"/>).
/// </summary>
public sealed class TimeTravel(TimeProvider clock, IHttpContextAccessor? http = null)
{
    public Task<(Cut Cut, IResult? Problem)> ResolveAsync(IQuerySession session, string? asOf, string? knownAt,
        CancellationToken cancellation, string asOfField = "asOf") =>
        ResolveAsync(session, asOf, knownAt, [], cancellation, asOfField);

    /// <summary>For a list: the cut, with offset and limit checked in the same 400.</summary>
    public Task<(Cut Cut, IResult? Problem)> ResolveListAsync(IQuerySession session, string? asOf, string? knownAt, int? offset,
        int? limit, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        Lists.Paging.AddErrors(offset, limit, errors);
        return ResolveAsync(session, asOf, knownAt, errors, cancellation, "asOf");
    }

    /// <summary>
    /// A read at the cut <paramref name="asOf"/> and <paramref name="knownAt"/> name: <paramref name="read"/> answers for
    /// that cut, or the 400 for values that name none.
    /// </summary>
    public async Task<IResult> ReadAsync(IQuerySession session, string? asOf, string? knownAt, CancellationToken cancellation,
        Func<Cut, Task<IResult>> read)
    {
        var (cut, problem) = await ResolveAsync(session, asOf, knownAt, cancellation);
        return problem ?? await read(cut);
    }

    /// <summary>A list read at a cut: offset and limit are checked in the same 400 as asOf and knownAt.</summary>
    public async Task<IResult> ReadListAsync(IQuerySession session, string? asOf, string? knownAt, int? offset, int? limit,
        CancellationToken cancellation, Func<Cut, Task<IResult>> read)
    {
        var (cut, problem) = await ResolveListAsync(session, asOf, knownAt, offset, limit, cancellation);
        return problem ?? await read(cut);
    }

    private async Task<(Cut Cut, IResult? Problem)> ResolveAsync(IQuerySession session, string? asOf, string? knownAt,
        Dictionary<string, string[]> errors, CancellationToken cancellation, string asOfField)
    {
        var validOn = ParseAsOf(asOf, asOfField, errors);
        var known = ParseKnownAt(knownAt, "knownAt", errors);
        if (errors.Count > 0)
        {
            return (default, ProblemResults.Invalid(errors));
        }

        var sequence = known is { } instant && instant < clock.GetUtcNow()
            ? await ServedState.SequenceKnownAtAsync(session, instant, cancellation, RouteEvaluation())
            : long.MaxValue;
        return (new Cut(validOn, sequence), null);
    }

    /// <summary>The evaluation of the request's route, if it names one.</summary>
    private Guid? RouteEvaluation() =>
        http?.HttpContext?.Request.RouteValues.TryGetValue("evaluationId", out var value) == true
        && Guid.TryParse(value?.ToString(), out var id) ? id : null;

    /// <summary>Checks asOf and knownAt without resolving them, so that they join the other errors of one 400.</summary>
    public void AddErrors(string? asOf, string? knownAt, Dictionary<string, string[]> errors)
    {
        ParseAsOf(asOf, "asOf", errors);
        ParseKnownAt(knownAt, "knownAt", errors);
    }

    /// <summary>Now, in both timelines.</summary>
    public Cut Today => Cut.Now(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));

    /// <summary>
    /// The cut a write answers with: today, or, for something whose field date is still to come
    /// (it would read as 404 today), everything recorded with no date limit.
    /// </summary>
    public Cut ReadBack(Func<Cut, object?> asOf) => asOf(Today) is not null ? Today : Cut.Now(DateOnly.MaxValue);

    /// <summary>The knowledge instant a knownAt value stands for, or null for "now".</summary>
    public DateTimeOffset? KnownAt(string? value) => ParseKnownAt(value, "knownAt", []);

    /// <summary>The valid-time date of an asOf value (a fact dated D is in force from the start of D).</summary>
    public DateOnly ParseAsOf(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Today.AsOf;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        if (TryInstant(value, out var instant))
        {
            return DateOnly.FromDateTime(instant.UtcDateTime);
        }

        errors[field] = [$"'{field}' must be a date (2019-03-31) or an instant with an offset (2019-03-31T12:00:00Z)."];
        return default;
    }

    private static DateTimeOffset? ParseKnownAt(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            // The end of that day, inclusive.
            return new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(-1);
        }

        if (TryInstant(value, out var instant))
        {
            return instant;
        }

        errors[field] = [$"'{field}' must be a date (2019-04-15) or an instant with an offset (2019-04-15T09:30:00Z)."];
        return null;
    }

    private static bool TryInstant(string value, out DateTimeOffset instant)
    {
        instant = default;
        var t = value.IndexOf('T', StringComparison.Ordinal);
        var hasOffset = t > 0 && (value.EndsWith('Z') || value.IndexOfAny(['+', '-'], t) > t);
        return hasOffset && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }
}
