using System.Security.Cryptography;
using Fieldwork.Access;
using Fieldwork.Api.Access;
using Fieldwork.Api.Recording;
using Fieldwork.Coding;
using Fieldwork.Exchange;
using Fieldwork.Idempotency;
using Fieldwork.Sites;
using Fieldwork.Timeline;
using Fieldwork.Uniqueness;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Fieldwork.Api.Exchange;

[Tags("Exchange")]
public static class ImportEndpoints
{
    private const string Root = "/api/evaluations/{evaluationId}/imports";

    /// <summary>The event headers an imported event carries: the file's SHA-256 and the GUID of the element it came from.</summary>
    public const string Sha256Header = "importSha256";

    public const string GuidHeader = "refiGuid";

    /// <summary>
    /// Imports a REFI-QDA project (.qdpx, sent as application/zip) from NVivo, ATLAS.ti, MAXQDA, QualCoder or Fieldwork:
    /// codes into the codebook, cases into sites (matched by code, else enrolled), text sources into documents with
    /// their codings (each tool's offsets mapped onto Fieldwork's code points; offsets= overrides the rule the project's
    /// origin implies), notes into memos, through the bulk path (see docs/refi-qda.md); the same file again answers the same report and writes nothing.
    /// A source's capturedOn is its creationDateTime (else the project's) unless capturedOn= is given; sources no case
    /// refers to go to siteId=. QDA users become coder ids: users= maps them to members (key=memberId pairs separated by ';',
    /// the key a user's GUID or name), else a user named as a member's id is that member, else 'refi:name'. Non-text
    /// sources are skipped with a warning each.
    /// </summary>
    [WolverinePost(Root + "/qdpx", OperationId = "importProject")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<ImportReport>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    public static Task<IResult> Project(Guid evaluationId, DateOnly? capturedOn, Guid? siteId, OffsetRule? offsets, string? users, HttpContext http,
        IDocumentStore store, EventRecorder recorder, TimeProvider clock) =>
        ImportAsync(http, store, recorder, clock, evaluationId, ["application/zip", "application/x-zip-compressed", "application/octet-stream"],
            new { kind = "qdpx", capturedOn, siteId, offsets, users }, (bytes, context) =>
            {
                var (coders, badMap) = RefiQdaImport.ParseCoders(users, context.Evaluation);
                if (badMap is not null)
                {
                    return Task.FromResult(new ImportPlan(badMap, [], [], null));
                }

                var (archive, refusal) = RefiQdaArchive.ReadProject(bytes);
                return Task.FromResult(refusal is not null
                    ? new ImportPlan(refusal, [], [], null)
                    : RefiQdaImport.Project(context with { CapturedOn = capturedOn, DefaultSiteId = siteId, Offsets = offsets, Coders = coders }, archive!));
            }, siteId);

    /// <summary>
    /// Imports a REFI-QDA codebook (.qdc, sent as application/xml): codes into the codebook, the hierarchy kept, matched to
    /// existing codes by name under the same parent. The same file again answers the same report and writes nothing.
    /// </summary>
    [WolverinePost(Root + "/qdc", OperationId = "importCodebook")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<ImportReport>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    public static Task<IResult> Codebook(Guid evaluationId, HttpContext http, IDocumentStore store, EventRecorder recorder, TimeProvider clock) =>
        ImportAsync(http, store, recorder, clock, evaluationId, ["application/xml", "text/xml"], new { kind = "qdc" }, (bytes, context) =>
        {
            var (document, refusal) = RefiQdaArchive.ParseXml(bytes, RefiQdaExport.Codebook + "CodeBook", "The codebook");
            return Task.FromResult(refusal is not null ? new ImportPlan(refusal, [], [], null) : RefiQdaImport.Codebook(context, document!));
        }, null);

    /// <summary>An import's report, as it was answered.</summary>
    [WolverineGet(Root + "/{importId}", OperationId = "getImport")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<ImportReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid evaluationId, Guid importId, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<ImportRecord>(importId, cancellation) is { Complete: true } record && record.EvaluationId == evaluationId
            ? TypedResults.Ok(record.Report)
            : ProblemResults.NotFound("No such import in this evaluation.");

    private static async Task<IResult> ImportAsync(HttpContext http, IDocumentStore store, EventRecorder recorder, TimeProvider clock, Guid evaluationId,
        string[] mediaTypes, object options, Func<byte[], ImportContext, Task<ImportPlan>> plan, Guid? siteId)
    {
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is null || !mediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: $"Send the file as {string.Join(" or ", mediaTypes)}.");
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var bytes = buffer.ToArray();
        if (bytes.Length == 0)
        {
            return ProblemResults.From(Fieldwork.Rules.Rejection.Invalid("body", "The body is empty: send the file."));
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var importId = RefiQdaExport.Derived(evaluationId, "import " + sha);
        var fingerprint = recorder.FingerprintOf(http, importId, new { sha, options });
        var location = $"/api/evaluations/{evaluationId}/imports/{importId}";
        var userId = http.Access().UserId;

        for (var attempt = 1; ; attempt++)
        {
            await using var session = recorder.Open(http);
            if (await ReplayAsync(session, importId, fingerprint, userId, http.RequestAborted) is { } replay)
            {
                return replay;
            }

            var evaluation = http.Access().Evaluation;
            var sites = await session.Query<SiteTimeline>().Where(s => s.EvaluationId == evaluationId).ToListAsync(http.RequestAborted);
            if (siteId is { } fallback && sites.All(s => s.Id != fallback))
            {
                return ProblemResults.From(Fieldwork.Rules.Rejection.Invalid("siteId", "There is no such site in this evaluation."));
            }

            var codebook = await session.LoadAsync<Fieldwork.Coding.Codebook>(Fieldwork.Coding.Codebook.StreamId(evaluationId), http.RequestAborted);
            var context = new ImportContext(evaluation, importId, sha, sites.ToDictionary(s => s.Code, s => s.Id, StringComparer.OrdinalIgnoreCase),
                codebook?.AsOf(Cut.Now(DateOnly.MaxValue)) ?? new Dictionary<Guid, CodeState>(), null, null, null);
            var planned = await plan(bytes, context);
            if (planned.Rejection is { } rejection)
            {
                return ProblemResults.From(rejection);
            }

            var begun = await session.LoadAsync<ImportRecord>(importId, http.RequestAborted);
            if (begun is { Complete: false } && (begun.RequestHash != fingerprint.Request || begun.UserId != userId))
            {
                return ProblemResults.Conflict("This file is being imported into this evaluation by another request, with other options or by someone else: "
                                               + "send it again as that request did, or wait for it to finish.");
            }

            try
            {
                await WriteAsync(session, store, evaluationId, planned, begun is not null, codebook is not null, sha, fingerprint.Request, clock.GetUtcNow(),
                    http.RequestAborted);
                session.Insert(EventRecorder.RecordOf(importId, fingerprint, location, userId, clock.GetUtcNow()));
                await session.SaveChangesAsync(http.RequestAborted);
                return TypedResults.Created(location, planned.Report);
            }
            catch (Exception e) when (attempt < 5 && Raced(e))
            {
                // The same file imported at the same moment (the next attempt finds its record, or resumes it), or a site code taken meanwhile.
            }
        }
    }

    /// <summary>
    /// Writes a planned import in three steps, each safe to repeat: (1) the site codes it enrols and
    /// the import itself are reserved; (2) the new streams' events go in through Marten's bulk import
    /// (a binary COPY, tens of thousands of codings in seconds), unless an earlier attempt stored them;
    /// (3) queued on <paramref name="session"/> for one transaction with the caller's creation record:
    /// the read models folded from those events, the codes appended to an existing codebook, the
    /// report. Until (3) commits, reads see nothing of the import (read models are what they read);
    /// a request that stopped after (1) or (2) is resumed by sending the same file again.
    /// </summary>
    private static async Task WriteAsync(IDocumentSession session, IDocumentStore store, Guid evaluationId, ImportPlan planned, bool begun, bool codebookExists, string sha,
        string requestHash, DateTimeOffset now, CancellationToken cancellation)
    {
        var report = planned.Report!;
        if (!begun)
        {
            foreach (var (claim, holder) in planned.Claims)
            {
                session.Insert(new UniqueClaim { Id = claim, HolderId = holder });
            }

            session.Insert(new ImportRecord
            {
                Id = report.Id,
                EvaluationId = evaluationId,
                Report = report,
                Complete = false,
                RequestHash = requestHash,
                UserId = session.LastModifiedBy,
            });
            await session.SaveChangesAsync(cancellation);
        }

        bool Appended(ImportedStream stream) => stream.Existing || (stream.Aggregate == typeof(Fieldwork.Coding.Codebook) && codebookExists);
        var fresh = planned.Streams.Where(s => !Appended(s)).ToList();
        var aggregates = fresh.ToDictionary(s => s.Id, s => s.Aggregate);
        List<IEvent> events;
        if (fresh.Count > 0 && await session.Events.FetchStreamStateAsync(fresh[0].Id, cancellation) is null)
        {
            events = [];
            foreach (var stream in fresh)
            {
                foreach (var (imported, version) in stream.Events.Select((e, i) => (e, i + 1L)))
                {
                    var e = BulkStreams.Event(stream.Id, version, imported.Data, now);
                    (e.UserName, e.CorrelationId, e.CausationId) = (session.LastModifiedBy, session.CorrelationId, session.CausationId);
                    Stamp(e, sha, imported);
                    events.Add(e);
                }
            }

            await BulkStreams.InsertAsync(store, events, aggregates, cancellation);
        }
        else
        {
            events = await BulkStreams.StoredAsync(session, aggregates.Keys, cancellation);
        }

        BulkStreams.StoreAll(session, BulkStreams.ReadModels(events, aggregates));
        foreach (var stream in planned.Streams.Where(Appended))
        {
            var appended = session.Events.Append(stream.Id, stream.Events.Select(e => e.Data).ToArray());
            foreach (var (e, imported) in appended.Events.Zip(stream.Events))
            {
                Stamp(e, sha, imported);
            }
        }

        session.Update(new ImportRecord { Id = report.Id, EvaluationId = evaluationId, Report = report, RequestHash = requestHash, UserId = session.LastModifiedBy });
    }

    /// <summary>Whether a write failed because another got there first (Marten reports several at once as one aggregate).</summary>
    private static bool Raced(Exception e) => e switch
    {
        AggregateException all => all.InnerExceptions.All(Raced),
        JasperFx.ConcurrencyException or JasperFx.DocumentAlreadyExistsException or Marten.Exceptions.ExistingStreamIdCollisionException => true,
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } => true,
        // Marten wraps what PostgreSQL says in exceptions of its own (a COPY's duplicate key among them).
        { InnerException: { } inner } => Raced(inner),
        _ => false,
    };

    private static async Task<IResult?> ReplayAsync(IDocumentSession session, Guid importId, RequestFingerprint fingerprint, string userId,
        CancellationToken cancellation)
    {
        if (await session.LoadAsync<CreationRecord>(importId, cancellation) is not { } earlier)
        {
            return null;
        }

        if (!fingerprint.Matches(earlier) || earlier.UserId != userId)
        {
            return EventRecorder.Replay(earlier, fingerprint, userId, importId);
        }

        var record = await session.LoadAsync<ImportRecord>(importId, cancellation);
        return TypedResults.Created(earlier.Location, record?.Report);
    }

    private static void Stamp(IEvent e, string sha, ImportedEvent imported)
    {
        e.SetHeader(Sha256Header, sha);
        if (imported.RefiGuid is { } guid)
        {
            e.SetHeader(GuidHeader, guid);
        }

        if (imported.CreatedAt is { } made)
        {
            e.SetHeader(CodingRecord.CreatedAtHeader, made.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
