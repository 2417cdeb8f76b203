using Fieldwork.Integrity;
using Npgsql;

namespace Fieldwork.Api.Audit;

/// <summary>
/// Runs whole-store verifications in the background, one at a time per API process: a start while
/// one runs gets that one. The cost of a whole-store verify grows with the store (minutes on tens
/// of millions of events), and anyone can become a lead by creating an evaluation, so membership
/// is no bound on it; one at a time is. Each run's state is a <see cref="StoreVerification"/>
/// document, read back by its status URL from any process.
/// </summary>
public sealed class StoreVerifications(IDocumentStore store, NpgsqlDataSource database, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<StoreVerifications> log)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private StoreVerification? running;

    /// <summary>The run a caller waits for in tests and in the verb: null when none runs.</summary>
    public Task? Current { get; private set; }

    public async Task<StoreVerification> StartAsync(string? userId, ChainAnchor? anchor, CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation);
        try
        {
            if (running is { } current)
            {
                return current;
            }

            var job = new StoreVerification
            {
                Id = Guid.NewGuid(),
                Status = VerificationStatus.Running,
                StartedBy = userId,
                StartedAt = time.GetUtcNow(),
                Anchor = anchor,
            };
            await SaveAsync(job, cancellation);
            running = job;
            Current = Task.Run(() => RunAsync(job), CancellationToken.None);
            return job;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task RunAsync(StoreVerification job)
    {
        var done = new StoreVerification { Id = job.Id, StartedBy = job.StartedBy, StartedAt = job.StartedAt, Anchor = job.Anchor };
        try
        {
            done.Report = await EventChain.VerifyAsync(database, FieldworkStore.Schema, job.Anchor, cancellation: lifetime.ApplicationStopping);
            done.Status = VerificationStatus.Done;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            log.LogWarning(e, "The whole-store verification {Id} could not finish", job.Id);
            done.Status = VerificationStatus.Failed;
            done.Error = e is OperationCanceledException ? "The API stopped before the verification finished." : e.Message;
        }

        done.FinishedAt = time.GetUtcNow();
        try
        {
            await SaveAsync(done, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            log.LogWarning(e, "The outcome of the whole-store verification {Id} could not be stored", job.Id);
        }
        finally
        {
            await gate.WaitAsync(CancellationToken.None);
            running = null;
            gate.Release();
        }
    }

    private async Task SaveAsync(StoreVerification job, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.Store(job);
        await session.SaveChangesAsync(cancellation);
    }
}

/// <summary>The last signed checkpoint of each evaluation's chain, where its next verify may start.</summary>
public static class EvaluationCheckpoints
{
    /// <summary>The evaluation's kept checkpoint, if its signature holds under the current key (else none: verify starts from the first event).</summary>
    public static async Task<EvaluationCheckpoint?> LastAsync(NpgsqlDataSource database, Guid evaluationId, CheckpointKey key, CancellationToken cancellation)
    {
        await using var command = database.CreateCommand(
            $"select position, head, time, message, signature, key_id from {FieldworkStore.Schema}.{EvaluationChain.CheckpointTable} where evaluation_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = evaluationId.ToString() });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation))
        {
            return null;
        }

        var checkpoint = new EvaluationCheckpoint(evaluationId, reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetString(3), reader.GetString(4), reader.GetString(5), Checkpoints.Algorithm);
        return checkpoint.KeyId == key.KeyId && checkpoint.Verify(key.Key) ? checkpoint : null;
    }

    /// <summary>Keeps <paramref name="checkpoint"/> unless one further along is kept already.</summary>
    public static async Task KeepAsync(NpgsqlDataSource database, EvaluationCheckpoint checkpoint, CancellationToken cancellation)
    {
        var table = $"{FieldworkStore.Schema}.{EvaluationChain.CheckpointTable}";
        await using var command = database.CreateCommand(
            $"insert into {table} (evaluation_id, position, head, time, message, signature, key_id) values ($1, $2, $3, $4, $5, $6, $7) " +
            $"on conflict (evaluation_id) do update set position = excluded.position, head = excluded.head, time = excluded.time, " +
            $"message = excluded.message, signature = excluded.signature, key_id = excluded.key_id where {table}.position <= excluded.position");
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.EvaluationId.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Position });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Head });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Time });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Message });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Signature });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.KeyId });
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
