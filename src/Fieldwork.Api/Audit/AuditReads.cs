using System.Globalization;
using Fieldwork.Api.Auth;
using Fieldwork.Evaluations;
using Fieldwork.Integrity;
using Npgsql;

namespace Fieldwork.Api.Audit;

public static class AuditReads
{
    /// <summary>The field dates events carry, in the order an event's own date is looked for.</summary>
    private const string OccurredOn =
        "coalesce(data->>'occurredOn', data->>'capturedOn', data->>'effectiveOn', data->>'enrolledOn', data->>'proposedOn', " +
        "data->>'establishedOn', data->>'assessedOn', data->>'dissolvedOn')";

    /// <summary>
    /// Every event recorded about this evaluation, in log order, filtered by recorded time (from,
    /// to: dates or instants, inclusive), user or stream. Paged.
    /// </summary>
    [WolverineGet("/api/evaluations/{evaluationId}/audit", OperationId = "listAudit")]
    [Requires(Permission.ReadAudit)]
    [ProducesResponseType<Page<AuditEntry>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(Guid evaluationId, string? from, string? to, string? userId, Guid? streamId, int? offset, int? limit,
        NpgsqlDataSource database, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        Paging.AddErrors(offset, limit, errors);
        var since = Instant(from, "from", endOfDay: false, errors);
        var until = Instant(to, "to", endOfDay: true, errors);
        if (until < since)
        {
            errors["to"] = [$"'to' ({to}) is before 'from' ({from}): nothing can have been recorded in between."];
        }
        if (errors.Count > 0)
        {
            return ProblemResults.Invalid(errors);
        }

        var (skip, take) = Paging.Resolve(offset, limit);
        // Both read the evaluation's events through their index (EventIndexes). The page orders by
        // seq_id + 0, an order the primary key cannot give: by seq_id alone PostgreSQL would walk the
        // whole log in sequence order looking for this evaluation's events, which for one written
        // after many others means reading theirs first.
        var where = $"from {FieldworkStore.Schema}.mt_events where {EventIndexes.Evaluation} = $1 " +
                    "and ($2::timestamptz is null or timestamp >= $2) and ($3::timestamptz is null or timestamp <= $3) " +
                    "and ($4::text is null or user_name = $4) and ($5::uuid is null or stream_id = $5)";
        await using var connection = await database.OpenConnectionAsync(cancellation);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command($"select count(*) {where}"),
                Command($"select seq_id, type, stream_id, user_name, timestamp, {OccurredOn}, causation_id, headers->>'{Fieldwork.Visits.VisitTimeline.LoggedAtHeader}' {where} order by seq_id + 0 offset {skip} limit {take}"),
            },
        };

        NpgsqlBatchCommand Command(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = evaluationId.ToString() });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)since ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)until ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)userId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)streamId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            return command;
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var total = (int)reader.GetInt64(0);
        await reader.NextResultAsync(cancellation);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellation))
        {
            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : DateOnly.ParseExact(reader.GetString(5), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }

        return TypedResults.Ok(new Page<AuditEntry>(entries, total, skip, take));
    }

    /// <summary>
    /// Recomputes the integrity chain over every event of the store and compares it with the
    /// stored links: <c>status</c> is <c>ok</c> (every event chained and verified), <c>pending</c>
    /// (verified up to <c>headSequence</c>, <c>pending</c> events not chained yet) or <c>broken</c>
    /// (<c>firstBrokenSequence</c> says where). With <c>sequence</c> and <c>head</c> (an anchor an
    /// auditor recorded earlier from a verify or a checkpoint: a sequence and the 64 hex digits of
    /// the link there), <c>anchorOk</c> says whether the log still passes through it, and
    /// <c>anchorBreak</c> and <c>anchorBrokenSequence</c> how and where it departs. Open to any lead
    /// or auditor of any evaluation (it reveals only counts, sequences and hashes).
    /// </summary>
    [WolverineGet("/api/audit/verify", OperationId = "verifyAudit")]
    [ProducesResponseType<ChainReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> Verify(HttpContext http, long? sequence, string? head, IQuerySession session, NpgsqlDataSource database,
        CancellationToken cancellation)
    {
        if (await RefuseUnlessAuditingAsync(http, session, "verify the log", cancellation) is { } refused)
        {
            return refused;
        }

        var errors = await AnchorErrorsAsync(sequence, head, database, cancellation);
        if (errors.Count > 0)
        {
            return ProblemResults.Invalid(errors);
        }

        var anchor = sequence is { } s ? new ChainAnchor(s, head!) : null;
        return TypedResults.Ok(await EventChain.VerifyAsync(database, FieldworkStore.Schema, anchor, cancellation: cancellation));
    }

    /// <summary>
    /// Verifies this evaluation's own chain, reading only its events and links: <c>status</c>,
    /// <c>checked</c>, <c>pending</c> and the break as for the store's verify, by position in the
    /// evaluation and by sequence. It starts after the last checkpoint a verify of this evaluation
    /// signed, when the stored links still pass through it (<c>verifiedFrom</c> says where; with
    /// <c>full=true</c>, or with an anchor, from the first event). With <c>position</c> and
    /// <c>head</c> (an anchor kept from an earlier report or checkpoint of this evaluation),
    /// <c>anchorOk</c> says whether the chain recomputed from the events still passes through it.
    /// A chain that holds gets a signed checkpoint of its head (<c>checkpoint</c>), kept for the next verify.
    /// </summary>
    [WolverineGet("/api/evaluations/{evaluationId}/audit/verify", OperationId = "verifyEvaluationAudit")]
    [Requires(Permission.ReadAudit)]
    [ProducesResponseType<EvaluationChainReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> VerifyEvaluation(Guid evaluationId, long? position, string? head, bool? full, NpgsqlDataSource database,
        CheckpointKey key, TimeProvider time, CancellationToken cancellation)
    {
        var errors = EvaluationAnchorErrors(position, head);
        if (errors.Count > 0)
        {
            return ProblemResults.Invalid(errors);
        }

        var anchor = position is { } p ? new EvaluationAnchor(p, head!) : null;
        var start = anchor is null && full != true ? await EvaluationCheckpoints.LastAsync(database, evaluationId, key, cancellation) : null;
        var report = await EvaluationChain.VerifyAsync(database, FieldworkStore.Schema, evaluationId, anchor,
            start is null ? null : new EvaluationAnchor(start.Position, start.Head), cancellation);
        if (report.Status != ChainStatus.Broken && report.HeadPosition > 0)
        {
            var checkpoint = EvaluationCheckpoint.Sign(key.Key, evaluationId, report.HeadPosition, report.Head, time.GetUtcNow());
            await EvaluationCheckpoints.KeepAsync(database, checkpoint, cancellation);
            report = report with { Checkpoint = checkpoint };
        }

        return TypedResults.Ok(report);
    }

    /// <summary>The errors of an evaluation anchor (none when neither part is given): each names its field.</summary>
    public static Dictionary<string, string[]> EvaluationAnchorErrors(long? position, string? head) =>
        AnchorErrors(position, "position", "a position in the evaluation's chain", head);

    /// <summary>
    /// Starts a verification of the whole store's chain in the background and answers 202 at once,
    /// with its status URL in Location and the body. One runs at a time: while one runs, a start
    /// answers 202 with that one. Optional anchor as for GET /api/audit/verify. Open to any lead or
    /// auditor of any evaluation.
    /// </summary>
    [WolverinePost("/api/audit/verifications", OperationId = "startStoreVerification")]
    [ProducesResponseType<StoreVerification>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> StartVerification(HttpContext http, long? sequence, string? head, IQuerySession session,
        NpgsqlDataSource database, StoreVerifications verifications, CancellationToken cancellation)
    {
        if (await RefuseUnlessAuditingAsync(http, session, "verify the log", cancellation) is { } refused)
        {
            return refused;
        }

        var errors = await AnchorErrorsAsync(sequence, head, database, cancellation);
        if (errors.Count > 0)
        {
            return ProblemResults.Invalid(errors);
        }

        var job = await verifications.StartAsync(http.User.UserId(), sequence is { } s ? new ChainAnchor(s, head!) : null, cancellation);
        return TypedResults.Accepted($"/api/audit/verifications/{job.Id}", job);
    }

    /// <summary>A whole-store verification: running, done (with its report) or failed. Open to any lead or auditor of any evaluation.</summary>
    [WolverineGet("/api/audit/verifications/{verificationId}", OperationId = "getStoreVerification")]
    [ProducesResponseType<StoreVerification>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> GetVerification(HttpContext http, Guid verificationId, IQuerySession session, CancellationToken cancellation)
    {
        if (await RefuseUnlessAuditingAsync(http, session, "read a verification", cancellation) is { } refused)
        {
            return refused;
        }

        return await session.LoadAsync<StoreVerification>(verificationId, cancellation) is { } job
            ? TypedResults.Ok(job)
            : ProblemResults.NotFound("No such verification.");
    }

    /// <summary>
    /// A checkpoint of the chain signed now: the last chained sequence and its link, the time, the
    /// exact text signed and its ECDSA P-256 signature. The chain is verified first: a broken log
    /// gets no checkpoint (409). Store checkpoints outside the system; a later verify with
    /// <c>sequence</c> and <c>head</c> tells whether the log still passes through them. Open to any
    /// lead or auditor of any evaluation.
    /// </summary>
    [WolverineGet("/api/audit/checkpoint", OperationId = "auditCheckpoint")]
    [ProducesResponseType<Checkpoint>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Checkpoint(HttpContext http, IQuerySession session, NpgsqlDataSource database, CheckpointKey key,
        TimeProvider time, CancellationToken cancellation)
    {
        if (await RefuseUnlessAuditingAsync(http, session, "take a checkpoint", cancellation) is { } refused)
        {
            return refused;
        }

        var report = await EventChain.VerifyAsync(database, FieldworkStore.Schema, cancellation: cancellation);
        if (report.Status == ChainStatus.Broken)
        {
            return ProblemResults.Conflict(
                $"The chain is broken at sequence {report.FirstBrokenSequence}: no checkpoint is signed for a log that does not verify.");
        }

        return TypedResults.Ok(Checkpoints.Sign(key.Key, report.HeadSequence, report.Head, time.GetUtcNow()));
    }

    /// <summary>
    /// The public key that checkpoint signatures verify with (ECDSA P-256, SubjectPublicKeyInfo
    /// PEM) and its id, the SHA-256 of its DER. Record it once, outside the system. Open to any lead
    /// or auditor of any evaluation.
    /// </summary>
    [WolverineGet("/api/audit/checkpoint-key", OperationId = "auditCheckpointKey")]
    [ProducesResponseType<CheckpointPublicKey>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> CheckpointPublicKey(HttpContext http, IQuerySession session, CheckpointKey key, CancellationToken cancellation)
    {
        if (await RefuseUnlessAuditingAsync(http, session, "read the checkpoint key", cancellation) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(new CheckpointPublicKey(Checkpoints.Algorithm, key.KeyId, key.PublicPem));
    }

    /// <summary>The errors of an anchor given as query parameters (none when neither is given): each names its field.</summary>
    public static async Task<Dictionary<string, string[]>> AnchorErrorsAsync(long? sequence, string? head, NpgsqlDataSource database,
        CancellationToken cancellation)
    {
        var errors = AnchorErrors(sequence, "sequence", "an event's sequence", head);
        if (errors.Count == 0 && sequence is { } s)
        {
            var issued = await EventChain.IssuedAsync(database, FieldworkStore.Schema, cancellation);
            if (s > issued)
            {
                errors["sequence"] = [string.Create(CultureInfo.InvariantCulture,
                    $"The store has issued no sequence beyond {issued}, so {s} is not a point of this log. If you recorded it from this store, its log was cut and its counters wound back.")];
            }
        }

        return errors;
    }

    /// <summary>
    /// The errors of an anchor's two parts, a point in a chain (<paramref name="field"/>, which must be
    /// <paramref name="point"/>, a whole number of at least 1) and the head reported there; none when neither is given.
    /// </summary>
    private static Dictionary<string, string[]> AnchorErrors(long? at, string field, string point, string? head)
    {
        var errors = new Dictionary<string, string[]>();
        if (at is null && head is null)
        {
            return errors;
        }

        if (at is null)
        {
            errors[field] = [$"An anchor needs the '{field}' its 'head' was reported at."];
        }
        else if (at < 1)
        {
            errors[field] = [$"'{field}' must be {point}: a whole number of at least 1."];
        }

        if (head is null)
        {
            errors["head"] = [$"An anchor needs the 'head' reported at its '{field}'."];
        }
        else if (head.Length != 64 || !head.All(char.IsAsciiHexDigit))
        {
            errors["head"] = ["'head' must be a link as verify reports it: 64 hexadecimal digits."];
        }

        return errors;
    }

    private static async Task<IResult?> RefuseUnlessAuditingAsync(HttpContext http, IQuerySession session, string what, CancellationToken cancellation)
    {
        var userId = http.User.UserId();
        var allowed = await session.Query<Evaluation>()
            .AnyAsync(e => e.Members.Any(m => m.UserId == userId && (m.Role == Role.Lead || m.Role == Role.Auditor)), cancellation);
        return allowed ? null : ProblemResults.Forbidden($"Only a lead or an auditor of an evaluation may {what}.");
    }

    private static DateTimeOffset? Instant(string? value, string field, bool endOfDay, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1).AddTicks(-1) : start;
        }

        if (value.Contains('T') && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (value.EndsWith('Z') || value.LastIndexOfAny(['+', '-']) > value.IndexOf('T')))
        {
            return instant;
        }

        errors[field] = [$"'{field}' must be a date (2019-04-15) or an instant with an offset (2019-04-15T09:30:00Z)."];
        return null;
    }
}
