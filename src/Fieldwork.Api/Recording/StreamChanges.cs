using Fieldwork.Evaluations;

namespace Fieldwork.Api.Recording;

/// <summary>
/// The one shape of every change to an existing stream of an evaluation: fetch it for writing,
/// answer 404 when it does not exist or belongs to another evaluation (the same answer for both),
/// decide, append, commit, decide again on a fresh read when a concurrent writer won
/// (<see cref="EventRecorder.ChangeAsync(HttpContext, Func{IDocumentSession, Task{Decision}}, Func{IQuerySession, Task{IResult}})"/>),
/// and answer with what is read back after the commit. This is Wolverine's aggregate handler
/// workflow written for our contract: the library's HTTP chains answer a lost race with a 409
/// instead of deciding again (see docs/architecture.md, "Writes").
/// </summary>
public static class StreamChanges
{
    /// <summary>
    /// Changes stream <paramref name="id"/> of the request's evaluation (<see cref="EvaluationAccess"/>).
    /// <paramref name="before"/> runs first on each attempt's session, before anything is read (a lock).
    /// </summary>
    public static Task<IResult> ChangeAsync<T>(this EventRecorder recorder, HttpContext http, Guid id, string notFound,
        Func<IDocumentSession, T, Task<Decision>> decide, Func<IQuerySession, Task<IResult>> respond,
        Func<IDocumentSession, Task>? before = null) where T : class =>
        recorder.ChangeAsync(http,
            async session =>
            {
                if (before is not null)
                {
                    await before(session);
                }

                return await session.DecideOnAsync<T>(http, id, notFound, aggregate => decide(session, aggregate));
            },
            respond);

    /// <summary>A change whose rule needs nothing but the stream's state.</summary>
    public static Task<IResult> ChangeAsync<T>(this EventRecorder recorder, HttpContext http, Guid id, string notFound,
        Func<T, Decision> decide, Func<IQuerySession, Task<IResult>> respond) where T : class =>
        recorder.ChangeAsync<T>(http, id, notFound, (_, aggregate) => Task.FromResult(decide(aggregate)), respond);

    /// <summary>
    /// Fetches stream <paramref name="id"/> for writing (optimistic concurrency) and appends what
    /// <paramref name="decide"/> accepts; 404 with <paramref name="notFound"/> when the stream does not
    /// exist or belongs to another evaluation than the request's.
    /// </summary>
    public static async Task<Decision> DecideOnAsync<T>(this IDocumentSession session, HttpContext http, Guid id, string notFound,
        Func<T, Task<Decision>> decide) where T : class
    {
        var stream = await session.Events.FetchForWriting<T>(id, http.RequestAborted);
        return stream.Aggregate is { } aggregate && BelongsTo(aggregate, http.Access().Evaluation.Id)
            ? stream.Record(await decide(aggregate))
            : Rejection.NotFound(notFound);
    }

    /// <summary>Starts stream <paramref name="id"/> with what the decision accepted, and passes the decision on.</summary>
    public static Decision Start<T>(this IDocumentSession session, Guid id, Decision decision) where T : class
    {
        if (decision.Accepted)
        {
            session.Events.StartStream<T>(id, [.. decision.Events]);
        }

        return decision;
    }

    /// <summary>
    /// Starts stream <paramref name="id"/> as <see cref="Start{T}(IDocumentSession, Guid, Decision)"/> does, and makes it the
    /// holder of <paramref name="claim"/> (a code or an open pairing that only one stream may hold).
    /// </summary>
    public static Decision Start<T>(this IDocumentSession session, Guid id, Decision decision, string claim) where T : class
    {
        if (session.Start<T>(id, decision).Accepted)
        {
            session.Insert(new Fieldwork.Uniqueness.UniqueClaim { Id = claim, HolderId = id });
        }

        return decision;
    }

    /// <summary>The evaluation itself, or a stream that names it.</summary>
    private static bool BelongsTo(object aggregate, Guid evaluationId) => aggregate switch
    {
        Evaluation evaluation => evaluation.Id == evaluationId,
        IEventTimeline timeline => timeline.EvaluationId == evaluationId,
        _ => throw new InvalidOperationException($"{aggregate.GetType().Name} does not say which evaluation it belongs to."),
    };
}
