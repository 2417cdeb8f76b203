using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Fieldwork.Access;
using Fieldwork.Api.Access;
using Fieldwork.Evidence;
using Marten;

namespace Fieldwork.Api.Evidence;

/// <summary>
/// The one way evidence is logged: every interview, observation and document (and every visit of
/// several) is an <see cref="EvidenceWrite"/> queued here. One writer takes whatever is waiting
/// and decides and commits it together: one read of the evaluation, of everything the rules look
/// at and of the creation records already kept under the ids claimed, one transaction for all of
/// them, instead of a read and a transaction each. Every write still gets its own rule, its own
/// sealed text and key, its own streams, creation records and event metadata, and its 201 only
/// once its rows are committed; alone, a write is a batch of one.
/// A repeat of a write already committed is answered from its creation record and writes
/// nothing; a refusal is answered at once and stores nothing; a second copy of an id already in
/// the batch waits for the next batch, where it finds the first copy's record. A batch that fails
/// at commit is done again one write at a time, and a write that loses a race (another process
/// stored the same id) is decided again on a fresh read.
/// </summary>
public sealed class EvidenceBatcher : IAsyncDisposable
{
    /// <summary>The most writes one transaction takes.</summary>
    private const int MaxBatch = 32;

    /// <summary>How often a write alone is decided again after losing a race at commit.</summary>
    private const int Attempts = 4;

    /// <summary>A queued write and its answer.</summary>
    private sealed record Pending(EvidenceWrite Write, TaskCompletionSource<IResult> Done);

    private readonly IDocumentStore store;
    private readonly TimeProvider clock;
    private readonly EvaluationSnapshots snapshots;
    private readonly ILogger<EvidenceBatcher> logger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    /// <summary>
    /// What the batching achieves, for <c>dotnet-counters monitor --counters Fieldwork.Evidence</c>:
    /// writes per commit, and writes done again alone after their batch failed.
    /// </summary>
    private static readonly Meter Meter = new("Fieldwork.Evidence");
    private static readonly Histogram<int> Committed = Meter.CreateHistogram<int>(
        "fieldwork.evidence.batch.size", "{request}", "Evidence requests committed in one transaction.");
    private static readonly Counter<int> Split = Meter.CreateCounter<int>(
        "fieldwork.evidence.batch.split", "{request}", "Evidence requests done again alone after their batch failed at commit.");

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

    /// <summary>Queues the write; answers once its batch has committed (201), or with its refusal or its repeat's answer.</summary>
    public async Task<IResult> SubmitAsync(EvidenceWrite write)
    {
        var pending = new Pending(write, new TaskCompletionSource<IResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            // Shutting down: the write is done here, the same way, as a batch of one.
            await WriteAloneAsync(pending);
        }

        return await pending.Done.Task;
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
        var carried = new List<Pending>();
        while (true)
        {
            try
            {
                await WriteAsync(carried);
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The evidence writer failed; it starts again.");
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private async Task WriteAsync(List<Pending> carried)
    {
        while (carried.Count > 0 || await queue.Reader.WaitToReadAsync())
        {
            var batch = new List<Pending>(carried);
            carried.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                carried.AddRange(await WriteBatchAsync(batch));
            }
            finally
            {
                // Whatever happened, no write of the batch is left waiting (but those carried to the next).
                foreach (var pending in batch.Except(carried))
                {
                    pending.Done.TrySetException(new InvalidOperationException("The evidence writer stopped before this write was done."));
                }
            }
        }
    }

    /// <summary>Writes the batch; answers the writes carried to the next batch (second copies of an id claimed in this one).</summary>
    private async Task<List<Pending>> WriteBatchAsync(List<Pending> batch)
    {
        var claimed = new HashSet<Guid>();
        var now = new List<Pending>(batch.Count);
        var later = new List<Pending>();
        foreach (var pending in batch)
        {
            var claims = pending.Write.Claims.ToList();
            if (claims.Any(claimed.Contains))
            {
                later.Add(pending);
                continue;
            }

            claimed.UnionWith(claims);
            now.Add(pending);
        }

        // Event metadata names one user per session, and the rules read one evaluation.
        foreach (var group in now.GroupBy(p => (p.Write.EvaluationId, p.Write.UserId)))
        {
            var members = group.ToList();
            try
            {
                await CommitAsync(group.Key.EvaluationId, group.Key.UserId, members, attempt: 1);
            }
            catch (Exception e) when (members.Count > 1)
            {
                // Whatever went wrong (a race at commit, the database away), each write is done
                // again alone, so that one write's trouble is no other write's answer.
                logger.LogDebug(e, "A batch of {Count} evidence requests failed at commit; each is done again alone.", members.Count);
                Split.Add(members.Count);
                foreach (var pending in members)
                {
                    await WriteAloneAsync(pending);
                }
            }
            catch (Exception e)
            {
                members[0].Done.TrySetException(e);
            }
        }

        return later;
    }

    /// <summary>One write as a batch of its own, decided again on a fresh read when it loses a race at commit.</summary>
    private async Task WriteAloneAsync(Pending pending)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitAsync(pending.Write.EvaluationId, pending.Write.UserId, [pending], attempt);
                return;
            }
            catch (Exception e) when (attempt < Attempts && IsRace(e))
            {
                // Another process stored one of its ids first: the next attempt finds its record.
            }
            catch (Exception e)
            {
                pending.Done.TrySetException(e);
                return;
            }
        }
    }

    private static bool IsRace(Exception e) =>
        e is JasperFx.ConcurrencyException or JasperFx.DocumentAlreadyExistsException or Marten.Exceptions.ExistingStreamIdCollisionException;

    private async Task CommitAsync(Guid evaluationId, string userId, List<Pending> members, int attempt)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = userId;
        // Serialised with any withdrawal of the participants named (see ParticipantLocks), before anything is read.
        await Fieldwork.Participants.ParticipantLocks.ShareAsync(session, members.SelectMany(p => p.Write.Reads.ParticipantIds), CancellationToken.None);

        var (evaluation, earlier, context) = await EvidenceWrites.ReadAsync(session, evaluationId,
            [.. members.SelectMany(p => p.Write.Claims)], members.SelectMany(p => p.Write.Reads.SiteIds),
            members.SelectMany(p => p.Write.Reads.PairingIds), members.SelectMany(p => p.Write.Reads.ParticipantIds), CancellationToken.None);

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
        var recordedAt = clock.GetUtcNow();
        foreach (var pending in members)
        {
            var write = pending.Write;
            if (records.TryGetValue(write.Id, out var record))
            {
                // A repeat of a write already committed answers as the first did (or 409), and
                // writes nothing: appending it only for the primary key to refuse it would leave
                // tombstones in the log.
                pending.Done.TrySetResult(Recording.EventRecorder.Replay(record, write.Fingerprint, userId, write.Id));
                continue;
            }

            if (write.Reads.NewStreams.FirstOrDefault(records.ContainsKey) is var taken && taken != Guid.Empty)
            {
                pending.Done.TrySetResult(ProblemResults.Conflict($"The id {taken} is already in use."));
                continue;
            }

            var staged = write.Decide(rules);
            if (staged.Rejection is { } rejection)
            {
                // Evidence rules read the evaluation, sites, pairings and participants, never other
                // evidence, so a copy of this write committed meanwhile cannot be what refused it.
                pending.Done.TrySetResult(ProblemResults.From(rejection));
                continue;
            }

            Stage(session, write, staged, recordedAt);
            accepted.Add(pending);
        }

        if (accepted.Count == 0)
        {
            return;
        }

        await session.SaveChangesAsync();
        Committed.Record(accepted.Count);
        if (attempt > 1)
        {
            logger.LogDebug("An evidence request committed on attempt {Attempt}.", attempt);
        }

        foreach (var pending in accepted)
        {
            pending.Done.TrySetResult(TypedResults.Created(pending.Write.Location, new Recording.Created(pending.Write.Id)));
        }
    }

    /// <summary>Puts an accepted write into the session: its streams (with its request's metadata), documents and creation records.</summary>
    private static void Stage(IDocumentSession session, EvidenceWrite write, Staged staged, DateTimeOffset recordedAt)
    {
        foreach (var stream in staged.Streams)
        {
            var started = session.Events.StartStream(stream.Aggregate, stream.Id, [.. stream.Events]);
            foreach (var e in started.Events)
            {
                e.CorrelationId = write.CorrelationId;
                e.CausationId = write.CausationId;
                if (stream.LoggedAt is { } loggedAt)
                {
                    e.SetHeader(Fieldwork.Visits.VisitTimeline.LoggedAtHeader, loggedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        if (staged.Documents.Count > 0)
        {
            session.InsertObjects(staged.Documents);
        }

        session.Insert(Recording.EventRecorder.RecordOf(write.Id, write.Fingerprint, write.Location, write.UserId, recordedAt));
        foreach (var part in staged.Parts)
        {
            session.Insert(Recording.EventRecorder.RecordOf(part.Id, part.Fingerprint, part.Location, write.UserId, recordedAt));
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
