using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Fieldwork.Access;
using Fieldwork.Api.Access;
using Fieldwork.Evidence;
using Fieldwork.Rules;
using Marten;

namespace Fieldwork.Api.Evidence;

/// <summary>
/// Group commit for logging evidence. Requests that arrive while a write is in flight are decided
/// and committed together: one read of the evaluation and of everything their rules look at, one
/// transaction for all of them, instead of a read and a transaction each. Every request still
/// gets its own rule, its own sealed text and key, its own stream, creation record and event
/// metadata, and its 201 only once its rows are committed.
/// A repeat of a request already committed is answered from its creation record, read in the
/// same round trip, and writes nothing.
/// Only the plain case is done here. A request its rule refuses, a second request for an id
/// already in the batch (after the batch), or a batch that fails anywhere is handed back to be done alone by
/// <see cref="Recording.EventRecorder.CreateAsync"/>, which already answers repeats, races and an
/// unreachable database.
/// </summary>
public sealed class EvidenceBatcher : IAsyncDisposable
{
    /// <summary>The most requests one transaction takes.</summary>
    private const int MaxBatch = 32;

    /// <summary>
    /// One request, as the endpoint prepared it: who, where, the creation record's hash and
    /// location, what the rule reads, the rule (run against the batch's context) and what an
    /// accepted decision stores besides its events (a transcript's key, sealed before the request
    /// was queued, goes into the batch's session).
    /// </summary>
    public sealed record Request(
        Guid Id, Guid EvaluationId, string UserId, string CorrelationId, string CausationId, Fieldwork.Idempotency.RequestFingerprint Hash, string Location,
        IReadOnlyCollection<Guid> SiteIds, Guid? PairingId, IReadOnlyCollection<Guid> ParticipantIds,
        Func<EvidenceContext, Decision> Rule, Func<IDocumentSession, Decision, Decision> Seal);

    /// <summary>A queued request and its answer: null when it is handed back to be done alone.</summary>
    private sealed record Pending(Request Request, TaskCompletionSource<IResult?> Done);

    private readonly IDocumentStore store;
    private readonly TimeProvider clock;
    private readonly EvaluationSnapshots snapshots;
    private readonly ILogger<EvidenceBatcher> logger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    /// <summary>
    /// What the batching achieves, for <c>dotnet-counters monitor --counters Fieldwork.Evidence</c>:
    /// requests per commit, and requests handed back to be done alone.
    /// </summary>
    private static readonly Meter Meter = new("Fieldwork.Evidence");
    private static readonly Histogram<int> Committed = Meter.CreateHistogram<int>(
        "fieldwork.evidence.batch.size", "{request}", "Evidence requests committed in one transaction.");
    private static readonly Counter<int> HandedBack = Meter.CreateCounter<int>(
        "fieldwork.evidence.batch.handed_back", "{request}", "Evidence requests handed back to be done one by one.");

    public EvidenceBatcher(IDocumentStore store, TimeProvider clock, EvaluationSnapshots snapshots, ILogger<EvidenceBatcher> logger)
    {
        this.store = store;
        this.clock = clock;
        this.snapshots = snapshots;
        this.logger = logger;
        // One writer: a batch is whatever arrived while the previous one was being committed. With
        // several writers, a free one took each request the moment it landed, so most commits held
        // one or two requests and paid a read, a sequence fetch and a commit each (measured in
        // docs/benchmarks.md: batches of 1-3 with four writers, 8 with one, and half the database
        // CPU per request).
        writer = Task.Run(RunAsync);
    }

    /// <summary>Queues the request; answers when its batch has committed, or null when it is handed back to be done alone.</summary>
    public Task<IResult?> SubmitAsync(Request request)
    {
        var pending = new Pending(request, new TaskCompletionSource<IResult?>(TaskCreationOptions.RunContinuationsAsynchronously));
        return queue.Writer.TryWrite(pending) ? pending.Done.Task : Task.FromResult<IResult?>(null);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
    }

    /// <summary>
    /// The writer loop, started again should it ever fail outside a batch: every request waits on
    /// it, so a writer that stopped would leave them all waiting.
    /// </summary>
    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await WriteAsync();
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The evidence writer failed; it starts again.");
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await WriteBatchAsync(batch);
            }
            finally
            {
                // Whatever happened, no request of the batch is left waiting.
                batch.ForEach(HandBack);
            }
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        // Event metadata names one user per session, and the rules read one evaluation.
        foreach (var group in batch.GroupBy(p => (p.Request.EvaluationId, p.Request.UserId)))
        {
            var members = group.ToList();
            try
            {
                await CommitAsync(group.Key.EvaluationId, group.Key.UserId, members);
            }
            catch (Exception e)
            {
                // Whatever went wrong (a race at commit, the database away), each request is done
                // alone, where it gets the answer it would have had without batching.
                logger.LogDebug(e, "A batch of {Count} evidence requests is handed back to be done one by one.", members.Count);
            }
            finally
            {
                // Every request the batch did not answer.
                members.ForEach(HandBack);
            }
        }
    }

    private async Task CommitAsync(Guid evaluationId, string userId, List<Pending> members)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = userId;
        // Serialised with any withdrawal of the participants named (see ParticipantLocks), before anything is read.
        await Fieldwork.Participants.ParticipantLocks.ShareAsync(session, members.SelectMany(p => p.Request.ParticipantIds), CancellationToken.None);

        var (evaluation, earlier, context) = await EvidenceWrites.ReadAsync(session, evaluationId,
            [.. members.Select(p => p.Request.Id)], members.SelectMany(p => p.Request.SiteIds), members.Select(p => p.Request.PairingId),
            members.SelectMany(p => p.Request.ParticipantIds), CancellationToken.None);

        // Access as of this read: a member removed since the request's access check is refused here.
        if (evaluation is not null)
        {
            snapshots.Remember(evaluation);
        }

        if (AccessCheck.Refusal(evaluation, userId, Permission.WriteEvidence) is { } refusal)
        {
            Answer(members, ProblemResults.From(refusal));
            return;
        }

        var rules = await context(evaluation!);
        var records = earlier.ToDictionary(r => r.Id);
        var accepted = new List<Pending>(members.Count);
        var ids = new HashSet<Guid>();
        foreach (var pending in members)
        {
            var request = pending.Request;
            if (records.TryGetValue(request.Id, out var record))
            {
                // A repeat of a request already committed answers as the first did (or 409), and
                // writes nothing: appending it only for the primary key to refuse it would leave
                // tombstones in the log.
                pending.Done.TrySetResult(Recording.EventRecorder.Replay(record, request.Hash, userId, request.Id));
                continue;
            }

            if (!ids.Add(request.Id))
            {
                // A second copy of a request in this batch: it is handed back once the batch has
                // committed (or failed), when the one-request path finds the first copy's record.
                continue;
            }

            var decision = request.Rule(rules);
            if (!decision.Accepted)
            {
                // A refusal may be a repeat of a request that committed meanwhile: the one-request
                // path tells them apart.
                HandBack(pending);
                continue;
            }

            decision = request.Seal(session, decision);
            var stream = session.Events.StartStream<EvidenceTimeline>(request.Id, [.. decision.Events]);
            foreach (var e in stream.Events)
            {
                e.CorrelationId = request.CorrelationId;
                e.CausationId = request.CausationId;
            }

            session.Insert(Recording.EventRecorder.RecordOf(request.Id, request.Hash, request.Location, userId, clock.GetUtcNow()));
            accepted.Add(pending);
        }

        if (accepted.Count == 0)
        {
            return;
        }

        await session.SaveChangesAsync();
        Committed.Record(accepted.Count);
        foreach (var pending in accepted)
        {
            pending.Done.TrySetResult(TypedResults.Created(pending.Request.Location, new Recording.Created(pending.Request.Id)));
        }
    }

    /// <summary>Hands the request back to be done alone, unless it already has its answer.</summary>
    private static void HandBack(Pending pending)
    {
        if (pending.Done.TrySetResult(null))
        {
            HandedBack.Add(1);
        }
    }

    private static void Answer(List<Pending> members, IResult answer)
    {
        foreach (var pending in members)
        {
            pending.Done.TrySetResult(answer);
        }
    }
}
