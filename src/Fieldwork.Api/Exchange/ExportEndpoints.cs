using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Fieldwork.Access;
using Fieldwork.Api.Access;
using Fieldwork.Api.Evidence;
using Fieldwork.Api.Timeline;
using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Exchange;
using Fieldwork.Secrets;
using Fieldwork.Timeline;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Fieldwork.Api.Exchange;

[Tags("Exchange")]
public static class ExportEndpoints
{
    private const string Root = "/api/evaluations/{evaluationId}/export";

    /// <summary>
    /// The evaluation as it stood at asOf, as known at knownAt, as a REFI-QDA project (.qdpx: a zip of project.qde and
    /// Sources/) that NVivo, ATLAS.ti, MAXQDA and QualCoder open: users, the codebook (merged and retired codes kept, not
    /// codable), each evidence text as a text source (its latest version) with its codings as selections (code-point
    /// offsets of the stored NFC, LF text), memos as notes, sites as cases with their attributes as variables, waves as sets.
    /// Erased transcripts are left out, and a note says so.
    /// </summary>
    [WolverineGet(Root + "/qdpx", OperationId = "exportProject")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType(typeof(byte[]), StatusCodes.Status200OK, "application/zip")]
    public static async Task<IResult> Project(Guid evaluationId, string? asOf, string? knownAt, HttpContext http, IQuerySession session,
        TimeTravel time, KeyRing keys, TimeProvider clock, CancellationToken cancellation)
    {
        var (cut, problem) = await time.ResolveAsync(session, asOf, knownAt, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var evaluation = http.Access().Evaluation;
        var codes = await CodesAsync(session, evaluationId, cut, cancellation);
        var items = await ServedEvidence.AsOfAsync(session, evaluationId, cut, cancellation);
        var sites = await ServedState.SitesAsync(session, evaluationId, cut, cancellation);
        var siteCodes = sites.ToDictionary(s => s.Id, s => s.Code);
        var memos = (await session.Query<MemoTimeline>().Where(m => m.EvaluationId == evaluationId).ToListAsync(cancellation))
            .Select(m => m.AsOf(cut)).OfType<MemoState>().OrderBy(m => m.WrittenAt).ThenBy(m => m.Id).ToList();
        var sources = await SourcesAsync(session, keys, evaluationId, items, siteCodes, cancellation);
        var waves = evaluation.Waves.Where(w => items.Any(i => i.Details.WaveId == w.Id) || w.StartsOn <= cut.AsOf).ToList();

        var asOfText = cut.AsOf == DateOnly.MaxValue ? "the export" : cut.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var exported = RefiQdaExport.ProjectOf(new ExportInput(evaluation.Name, evaluation.Description, asOfText, time.KnownAt(knownAt),
            clock.GetUtcNow(), codes, sources, sites, waves, memos));

        var archive = new MemoryStream();
        using (var zip = new ZipArchive(archive, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var entry = zip.CreateEntry("project.qde", CompressionLevel.Fastest).Open())
            {
                await WriteAsync(exported.Project, entry, cancellation);
            }

            foreach (var (id, text) in exported.Texts)
            {
                await using var entry = zip.CreateEntry($"Sources/{id}.txt", CompressionLevel.Fastest).Open();
                await entry.WriteAsync(new UTF8Encoding(false).GetBytes(text), cancellation);
            }
        }

        return TypedResults.File(archive.ToArray(), "application/zip", FileName(evaluation.Name, asOf, "qdpx"));
    }

    /// <summary>The codebook as it stood at asOf, as known at knownAt, as a REFI-QDA codebook (.qdc); 404 when it had no codes then.</summary>
    [WolverineGet(Root + "/codebook.qdc", OperationId = "exportCodebook")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType(typeof(string), StatusCodes.Status200OK, "application/xml")]
    public static async Task<IResult> Codebook(Guid evaluationId, string? asOf, string? knownAt, HttpContext http, IQuerySession session,
        TimeTravel time, CancellationToken cancellation)
    {
        var (cut, problem) = await time.ResolveAsync(session, asOf, knownAt, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        if (RefiQdaExport.CodebookOf(await CodesAsync(session, evaluationId, cut, cancellation)) is not { } document)
        {
            return ProblemResults.NotFound("The codebook had no codes at that time.");
        }

        var buffer = new MemoryStream();
        await WriteAsync(document, buffer, cancellation);
        return TypedResults.File(buffer.ToArray(), "application/xml", FileName(http.Access().Evaluation.Name, asOf, "qdc"));
    }

    private static async Task<IReadOnlyDictionary<Guid, CodeState>> CodesAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation) =>
        (await session.LoadAsync<Fieldwork.Coding.Codebook>(Fieldwork.Coding.Codebook.StreamId(evaluationId), cancellation))?.AsOf(cut)
        ?? new Dictionary<Guid, CodeState>();

    /// <summary>
    /// Each item with its latest text at the cut: texts in the clear as stored, transcripts opened
    /// with their keys (null once erased). Items without text are not sources.
    /// </summary>
    private static async Task<IReadOnlyList<ExportedSource>> SourcesAsync(IQuerySession session, KeyRing keys, Guid evaluationId,
        IReadOnlyList<EvidenceState> items, IReadOnlyDictionary<Guid, string> siteCodes, CancellationToken cancellation)
    {
        var withText = items.Where(i => i.LatestText is not null).ToList();
        var wanted = withText.ToDictionary(i => i.Id, i => i.LatestText!.Version);
        // The text events of these items only, by their streams (indexed), never a scan of the whole log.
        var versions = new List<TextVersionAdded>();
        foreach (var chunk in wanted.Keys.Chunk(1_000))
        {
            var events = await session.Events.QueryAllRawEvents()
                .Where(e => e.StreamId.IsOneOf(chunk) && e.EventTypeName == "text_version_added")
                .ToListAsync(cancellation);
            versions.AddRange(events.Select(e => e.Data).OfType<TextVersionAdded>());
        }

        var texts = versions.Where(t => wanted.TryGetValue(t.EvidenceId, out var v) && v == t.Version).ToDictionary(t => t.EvidenceId);
        var sealedIds = texts.Values.Where(t => t.Sealed is not null).Select(t => t.EvidenceId).ToList();
        var textKeys = sealedIds.Count == 0
            ? new Dictionary<Guid, TextKey>()
            : (await session.LoadManyAsync<TextKey>(cancellation, sealedIds)).ToDictionary(k => k.Id);

        return [.. withText
            .OrderBy(i => i.Details.On).ThenBy(i => i.LoggedAt).ThenBy(i => i.Id)
            .Select(item =>
            {
                var text = texts.GetValueOrDefault(item.Id);
                var clear = text?.Sealed is { } sealedText
                    ? TextVault.Open(keys.Open(textKeys.GetValueOrDefault(item.Id)), text.Version, sealedText)
                    : text?.Text;
                return new ExportedSource(item, SourceName(item, siteCodes), clear);
            })];
    }

    /// <summary>A source's name: what it is, when, where (never who: participants stay pseudonymous in the ids).</summary>
    private static string SourceName(EvidenceState item, IReadOnlyDictionary<Guid, string> siteCodes)
    {
        var d = item.Details;
        var sites = string.Join(", ", d.SiteIds.Select(s => siteCodes.GetValueOrDefault(s, "?")));
        var on = d.On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var what = d.Kind switch
        {
            EvidenceKind.Interview => "Interview",
            EvidenceKind.Observation => $"Observation ({d.Setting})",
            _ => d.Title ?? "Document",
        };
        return $"{on} {what} - {sites} [{item.Id.ToString()[..8]}]";
    }

    private static async Task WriteAsync(XDocument document, Stream stream, CancellationToken cancellation)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, Async = true };
        await using var writer = XmlWriter.Create(stream, settings);
        await document.SaveAsync(writer, cancellation);
    }

    /// <summary>A download name from the evaluation's name (letters, digits and dashes) and the date it shows.</summary>
    private static string FileName(string evaluation, string? asOf, string extension)
    {
        var safe = new string([.. evaluation.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        while (safe.Contains("--", StringComparison.Ordinal))
        {
            safe = safe.Replace("--", "-", StringComparison.Ordinal);
        }

        var name = safe.Length == 0 ? "evaluation" : safe[..Math.Min(safe.Length, 80)];
        return asOf is { Length: > 0 } ? $"{name}-{asOf}.{extension}" : $"{name}.{extension}";
    }
}
