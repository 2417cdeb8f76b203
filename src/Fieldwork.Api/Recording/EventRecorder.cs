using System.Diagnostics;
using System.Text.Json;
using Fieldwork.Api.Auth;
using Fieldwork.Idempotency;
using JasperFx;
using JasperFx.Events;
using Microsoft.Extensions.Options;

namespace Fieldwork.Api.Recording;

/// <summary>The body of every 201: the created item's id.</summary>
public sealed record Created(Guid Id);

/// <summary>
/// Records what a request decides, in one transaction, with who and why in the event metadata.
/// Creation is idempotent on the client-chosen id; decisions are retried on a fresh read when a
/// concurrent write got there first, so a race never loses a write and never breaks a rule.
/// </summary>
public sealed class EventRecorder(IDocumentStore store, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    Fieldwork.Secrets.KeyRing keys)
{
    private const int Attempts = 4;

    /// <summary>
    /// Creates an item under <paramref name="id"/>. A repeat of the same request answers the same
    /// 201; the same id with another request is 409. <paramref name="decide"/> appends the events
    /// (it runs again on a fresh session if a concurrent write won).
    /// </summary>
    public async Task<IResult> CreateAsync(HttpContext http, Guid id, object command, string location,
        Func<IDocumentSession, Task<Decision>> decide, RequestFingerprint? fingerprint = null)
    {
        var hash = fingerprint ?? FingerprintOf(http, id, command);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = Open(http);
            // A repeat is answered from the earlier record before anything is appended: an append
            // that fails at commit still leaves tombstone events for the sequence numbers it drew,
            // so letting the primary key refuse a repeat would write to the log on every repeat.
            if (await session.LoadAsync<CreationRecord>(id, http.RequestAborted) is { } earlier)
            {
                return Replay(earlier, hash, http.User.UserId(), id);
            }

            var decision = await decide(session);
            if (decision.Rejection is { } rejection)
            {
                // A copy of this request may have committed before this one decided (the wave it
                // created now "overlaps" ours): answer as that copy did.
                return await session.LoadAsync<CreationRecord>(id, http.RequestAborted) is { } winner
                    ? Replay(winner, hash, http.User.UserId(), id)
                    : ProblemResults.From(rejection);
            }

            session.Insert(RecordOf(id, hash, location, http.User.UserId(), clock.GetUtcNow()));
            try
            {
                await session.SaveChangesAsync(http.RequestAborted);
                return TypedResults.Created(location, new Created(id));
            }
            catch (Exception e) when (attempt < Attempts && IsRace(e))
            {
                // A repeat of this request, or another writer, got there first: the next attempt
                // finds the record, or decides again on fresh state.
            }
            catch (Marten.Exceptions.ExistingStreamIdCollisionException)
            {
                return ProblemResults.Conflict($"The id {id} is already in use.");
            }
        }
    }

    /// <summary>
    /// Creates an item under the id the client chose (<paramref name="requestedId"/>), else a new one:
    /// <paramref name="location"/> and <paramref name="decide"/> are given the id.
    /// </summary>
    public Task<IResult> CreateAsync(HttpContext http, Guid? requestedId, object command, Func<Guid, string> location,
        Func<IDocumentSession, Guid, Task<Decision>> decide)
    {
        var id = requestedId ?? Guid.NewGuid();
        return CreateAsync(http, id, command, location(id), session => decide(session, id));
    }

    /// <summary>Changes existing state and answers with what <paramref name="respond"/> reads back after the commit.</summary>
    public async Task<IResult> ChangeAsync(HttpContext http, Func<IDocumentSession, Task<Decision>> decide,
        Func<IQuerySession, Task<IResult>> respond)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = Open(http);
            var decision = await decide(session);
            if (decision.Rejection is { } rejection)
            {
                return ProblemResults.From(rejection);
            }

            try
            {
                await session.SaveChangesAsync(http.RequestAborted);
                await using var query = store.QuerySession();
                return await respond(query);
            }
            catch (ConcurrencyException) when (attempt < Attempts)
            {
                // Decide again on the state the other writer left.
            }
        }
    }

    /// <summary>A session whose events carry the caller, the request's correlation and its causation.</summary>
    public IDocumentSession Open(HttpContext http)
    {
        var session = store.LightweightSession();
        session.LastModifiedBy = http.User.UserId();
        session.CorrelationId = CorrelationOf(http);
        session.CausationId = CausationOf(http);
        return session;
    }

    /// <summary>What a creation leaves for its repeats to find: the request's hash, its location and who sent it.</summary>
    public static CreationRecord RecordOf(Guid id, RequestFingerprint hash, string location, string userId, DateTimeOffset recordedAt) => new()
    {
        Id = id,
        RequestHash = hash.Request,
        SealedHash = hash.Sealed,
        Keyed = true,
        Location = location,
        UserId = userId,
        RecordedAt = recordedAt,
    };

    /// <summary>The correlation id events record for this request: its trace.</summary>
    public static string CorrelationOf(HttpContext http) => Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;

    /// <summary>The causation id events record for this request: its method and path.</summary>
    public static string CausationOf(HttpContext http) => $"{http.Request.Method} {http.Request.Path}";

    private static bool IsRace(Exception e) =>
        e is ConcurrencyException or DocumentAlreadyExistsException
        || (e is Marten.Exceptions.ExistingStreamIdCollisionException);

    /// <summary>
    /// A repeat answers as the first only when it is the same request from the same user: anyone
    /// else who learnt the id and the body gets the same 409 as for a different request, not the
    /// location of something they may not be allowed to see.
    /// </summary>
    public static IResult Replay(CreationRecord earlier, RequestFingerprint hash, string userId, Guid id) =>
        hash.Matches(earlier) && earlier.UserId == userId
            ? TypedResults.Created(earlier.Location, new Created(id))
            : ProblemResults.Conflict($"The id {id} was already used for a different request.");

    /// <summary>
    /// What identifies a request for replay: method, path, id and the command as understood, as
    /// keyed fingerprints (see <see cref="RequestFingerprint"/>). <paramref name="clear"/> is the
    /// command without what it seals (the command itself when it seals nothing), and
    /// <paramref name="sealedPart"/> what it seals (personal details, a transcript): fingerprinted
    /// apart, so that an erasure can delete that fingerprint and keep the rest.
    /// </summary>
    public RequestFingerprint FingerprintOf(HttpContext http, Guid id, object command, object? clear = null, object? sealedPart = null)
    {
        // The command as understood, not the raw bytes: whitespace and field order do not matter.
        string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions);
        var clearBody = Json(clear ?? command);
        return RequestFingerprint.Of(keys.RequestFingerprintKey, http.Request.Method, http.Request.Path, id, clearBody,
            sealedPart is null ? null : Json(sealedPart), () => clear is null ? clearBody : Json(command));
    }
}

public static class StreamRecording
{
    /// <summary>Appends what the decision accepted to the stream, and passes the decision on.</summary>
    public static Decision Record<T>(this IEventStream<T> stream, Decision decision) where T : class
    {
        if (decision.Accepted && decision.Events.Count > 0)
        {
            stream.AppendMany(decision.Events);
        }

        return decision;
    }
}
