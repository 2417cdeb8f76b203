namespace Fieldwork.Rules;

public enum RejectionKind
{
    /// <summary>The request contradicts itself or names something that does not exist: 400.</summary>
    Invalid,

    /// <summary>The thing the route names does not exist: 404.</summary>
    NotFound,

    /// <summary>The request is fine on its own but breaks a rule of the current state: 409.</summary>
    Conflict,

    /// <summary>Part of the request is over a documented size limit: 413.</summary>
    TooLarge,

    /// <summary>The caller's role may do this kind of thing, but not to this item (someone else's coding): 403.</summary>
    Forbidden,
}

/// <summary>Why a command was refused, in words a client can act on.</summary>
/// <param name="Field">The camelCase path of the offending body field, for 400s.</param>
public sealed record Rejection(RejectionKind Kind, string Detail, string? Field = null)
{
    /// <summary>For 400s: every failing field and why, when there is more than one.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } =
        Field is null ? new Dictionary<string, string[]>() : new Dictionary<string, string[]> { [Field] = [Detail] };

    public static Rejection Invalid(string field, string detail) => new(RejectionKind.Invalid, detail, field);

    /// <summary>One 400 naming every field of several.</summary>
    public static Rejection Combine(IReadOnlyList<Rejection> rejections) => new(RejectionKind.Invalid, rejections[0].Detail, rejections[0].Field)
    {
        Errors = rejections.SelectMany(r => r.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray()),
    };

    public static Rejection Conflict(string detail) => new(RejectionKind.Conflict, detail);

    public static Rejection NotFound(string detail) => new(RejectionKind.NotFound, detail);

    public static Rejection TooLarge(string detail) => new(RejectionKind.TooLarge, detail);

    public static Rejection Forbidden(string detail) => new(RejectionKind.Forbidden, detail);
}

/// <summary>
/// What a pure rule decides about a command against the current state: the events to record,
/// or the reason to refuse. Rules never touch the store or the clock.
/// </summary>
public sealed class Decision
{
    private Decision(IReadOnlyList<object> events, Rejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    public IReadOnlyList<object> Events { get; }

    public Rejection? Rejection { get; }

    public bool Accepted => Rejection is null;

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Reject(Rejection rejection) => new([], rejection);

    public static implicit operator Decision(Rejection rejection) => Reject(rejection);
}
