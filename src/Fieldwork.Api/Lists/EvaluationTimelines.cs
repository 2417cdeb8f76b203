namespace Fieldwork.Api.Lists;

/// <summary>
/// An evaluation's timelines of one kind, as the reads under <c>/api/evaluations/{evaluationId}</c>
/// take them: a timeline of another evaluation reads as none (404), and one that was not there at
/// the cut is left out of a list.
/// </summary>
public static class EvaluationTimelines
{
    /// <summary>One timeline of the evaluation: null for a missing id or another evaluation's.</summary>
    public static async Task<T?> LoadInAsync<T>(this IQuerySession session, Guid evaluationId, Guid id, CancellationToken cancellation)
        where T : class, IEventTimeline =>
        await session.LoadAsync<T>(id, cancellation) is { } timeline && timeline.EvaluationId == evaluationId ? timeline : null;

    /// <summary>One timeline of the evaluation as it stood at the cut: null for none then.</summary>
    public static async Task<TState?> StateAtAsync<T, TState>(this IQuerySession session, Guid evaluationId, Guid id, Cut cut,
        CancellationToken cancellation)
        where T : class, IEventTimeline<TState> where TState : class =>
        (await session.LoadInAsync<T>(evaluationId, id, cancellation))?.AsOf(cut);

    /// <summary>
    /// One timeline of the evaluation, read at the cut <paramref name="asOf"/> and <paramref name="knownAt"/> name: its
    /// <paramref name="view"/>, 404 with <paramref name="notFound"/> when there was none then, or the 400 for a bad cut.
    /// </summary>
    public static Task<IResult> ReadOneAsync<T, TState, TView>(this TimeTravel time, IQuerySession session, Guid evaluationId, Guid id,
        string? asOf, string? knownAt, Func<TState, TView> view, string notFound, CancellationToken cancellation)
        where T : class, IEventTimeline<TState> where TState : class =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
            await session.StateAtAsync<T, TState>(evaluationId, id, cut, cancellation) is { } state
                ? TypedResults.Ok(view(state))
                : ProblemResults.NotFound(notFound));

    /// <summary>Every timeline of the kind in the evaluation that was there at the cut, with what it was then.</summary>
    public static async Task<IReadOnlyList<(T Timeline, TState State)>> AllAtAsync<T, TState>(this IQuerySession session, Guid evaluationId,
        Cut cut, CancellationToken cancellation)
        where T : class, IEventTimeline<TState> where TState : class
    {
        var timelines = await session.Query<T>().Where(t => t.EvaluationId == evaluationId).ToListAsync(cancellation);
        return [.. timelines.Select(t => (Timeline: t, State: t.AsOf(cut))).Where(x => x.State is not null).Select(x => (x.Timeline, x.State!))];
    }

    /// <summary>What every timeline of the kind in the evaluation was at the cut (those there then), in no set order.</summary>
    public static async Task<IReadOnlyList<TState>> StatesAtAsync<T, TState>(this IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation)
        where T : class, IEventTimeline<TState> where TState : class =>
        [.. (await session.AllAtAsync<T, TState>(evaluationId, cut, cancellation)).Select(x => x.State)];
}
