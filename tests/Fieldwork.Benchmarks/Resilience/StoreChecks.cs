using System.Globalization;
using System.Text.Json;
using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Findings;
using Fieldwork.Integrity;
using Fieldwork.Timeline;
using Marten;
using Npgsql;

namespace Fieldwork.Benchmarks.Resilience;

/// <summary>
/// What must hold of the store after a run, whatever happened during it: every acknowledged write
/// is there exactly once, every write without an answer is there whole or not at all, the inline
/// read models equal a fold of their events, and the integrity chain has caught up, one link per
/// event, and verifies.
/// </summary>
public static class StoreChecks
{
    public sealed record Result(IReadOnlyList<string> Passed, IReadOnlyList<string> Failed, long Events, long Chained)
    {
        public bool Ok => Failed.Count == 0;
    }

    public static async Task<Result> RunAsync(IDocumentStore store, NpgsqlDataSource dataSource, Workload load, TimeSpan chainTimeout)
    {
        var passed = new List<string>();
        var failed = new List<string>();
        void Check(bool ok, string what)
        {
            (ok ? passed : failed).Add(what);
        }

        var schema = FieldworkStore.Schema;
        var errors = load.Outcomes.Where(o => o.Status >= 500 && o.Status != 503).ToList();
        Check(errors.Count == 0, $"no answer was a 5xx other than 503 ({errors.Count} were)");
        static string TypeName<T>() => JasperFx.Events.EventTypeExtensions.GetEventTypeName(typeof(T));

        // Interviews: acknowledged ones logged exactly once; the others whole or absent.
        var interviews = load.Interviews().ToList();
        var loggedCounts = await CountByAsync(dataSource,
            $"select stream_id, count(*) from {schema}.mt_events where type = @type and stream_id = any(@ids) group by stream_id",
            TypeName<InterviewLogged>(), interviews.Select(i => i.Id).ToArray());
        var acknowledged = interviews.Where(i => i.Acknowledged).ToList();
        var missingOrTwice = acknowledged.Where(i => loggedCounts.GetValueOrDefault(i.Id) != 1).ToList();
        Check(missingOrTwice.Count == 0,
            $"{acknowledged.Count:N0} acknowledged interviews each logged exactly once ({missingOrTwice.Count} not)");
        var unanswered = interviews.Where(i => !i.Acknowledged).ToList();
        var unansweredWritten = unanswered.Count(i => loggedCounts.GetValueOrDefault(i.Id) == 1);
        Check(unanswered.All(i => loggedCounts.GetValueOrDefault(i.Id) <= 1),
            $"{unanswered.Count:N0} interviews without a 2xx: {unansweredWritten} written whole (the answer was lost), the rest absent, none twice");

        // Codings.
        var codings = load.Codings().ToList();
        var codingCounts = await CountByAsync(dataSource,
            $"select (data->>'codingId')::uuid, count(*) from {schema}.mt_events where type = @type and (data->>'codingId')::uuid = any(@ids) group by 1",
            TypeName<CodingApplied>(), codings.Select(c => c.Id).ToArray());
        var codingsAcknowledged = codings.Where(c => c.Acknowledged).ToList();
        Check(codingsAcknowledged.All(c => codingCounts.GetValueOrDefault(c.Id) == 1),
            $"{codingsAcknowledged.Count:N0} acknowledged codings each applied exactly once");
        Check(codings.All(c => codingCounts.GetValueOrDefault(c.Id) <= 1), "no coding applied twice");

        // Finding revisions: as many revision events per finding as 2xx answers (a lost answer adds at most one).
        var revisionCounts = await CountByAsync(dataSource,
            $"select stream_id, count(*) from {schema}.mt_events where type = @type and stream_id = any(@ids) group by stream_id",
            TypeName<FindingRevised>(), load.FindingIds);
        var revisionsOk = load.FindingIds.All(f =>
        {
            var answers = load.Outcomes.Where(o => o.Operation == Workload.Revision && o.Finding == f).ToList();
            var acked = answers.Count(o => o.Status is >= 200 and < 300);
            var lost = answers.Count(o => o.Status is 0 or >= 500);
            var stored = revisionCounts.GetValueOrDefault(f);
            return stored >= acked && stored <= acked + lost;
        });
        Check(revisionsOk, $"every finding holds its {load.Outcomes.Count(o => o.Operation == Workload.Revision && o.Status is >= 200 and < 300):N0} acknowledged revisions, no more than the lost answers allow");

        // Inline read models equal a fold of their events (written in the same transaction as the events).
        var written = interviews.Where(i => loggedCounts.GetValueOrDefault(i.Id) == 1).Select(i => i.Id).ToList();
        var (evidenceAgree, evidenceDiffer) = await CompareAsync<EvidenceTimeline>(store, written);
        Check(evidenceDiffer.Count == 0, $"{evidenceAgree:N0} evidence read models equal a fold of their events ({evidenceDiffer.Count} differ)");
        var (findingsAgree, findingsDiffer) = await CompareAsync<FindingTimeline>(store, load.FindingIds);
        Check(findingsDiffer.Count == 0, $"{findingsAgree} finding read models equal a fold of their events ({findingsDiffer.Count} differ)");
        await using (var query = store.QuerySession())
        {
            // Codings are found by id from their events (no locator document): every applied one, in this evaluation.
            var applied = codingCounts.Where(c => c.Value > 0).Select(c => c.Key).ToList();
            var located = await query.QueryByPlanAsync(new CodingLocations(applied));
            var found = applied.Count(id => located.TryGetValue(id, out var l) && l.EvaluationId == load.EvaluationId);
            Check(found == applied.Count, $"{found:N0} of {applied.Count:N0} applied codings found by id in their evaluation");
        }

        // The async projection: caught up, one link per event, no gap, verifies.
        var caughtUp = true;
        try
        {
            await AuditBenchmark.WaitForChainAsync(dataSource, chainTimeout);
        }
        catch (TimeoutException)
        {
            caughtUp = false;
        }

        var total = await AuditBenchmark.ScalarAsync(dataSource, $"select count(*) from {schema}.mt_events");
        var maxSequence = await AuditBenchmark.ScalarAsync(dataSource, $"select coalesce(max(seq_id), 0) from {schema}.mt_events");
        var links = await AuditBenchmark.ScalarAsync(dataSource, $"select count(*) from {schema}.{EventChain.Table}");
        var distinct = await AuditBenchmark.ScalarAsync(dataSource, $"select count(distinct seq_id) from {schema}.{EventChain.Table}");
        var unlinked = await AuditBenchmark.ScalarAsync(dataSource,
            $"select count(*) from {schema}.mt_events e where not exists (select 1 from {schema}.{EventChain.Table} c where c.seq_id = e.seq_id)");
        Check(caughtUp && unlinked == 0 && links == distinct && links == total,
            $"the integrity chain caught up to sequence {maxSequence:N0}: {links:N0} links for {total:N0} events, none twice, none missing");
        var report = await EventChain.VerifyAsync(dataSource, schema);
        Check(report.Ok, $"verify: {(report.Ok ? "ok" : "BROKEN at " + report.FirstBrokenSequence)} over {report.Checked:N0} events");
        return new Result(passed, failed, total, links);
    }

    private static async Task<(int Agree, List<Guid> Differ)> CompareAsync<T>(IDocumentStore store, IReadOnlyCollection<Guid> ids)
        where T : class, IEventTimeline, new()
    {
        await using var query = store.QuerySession();
        var documents = new Dictionary<Guid, T>();
        foreach (var chunk in ids.Chunk(1_000))
        {
            foreach (var document in await query.LoadManyAsync<T>(chunk))
            {
                documents[StreamIdOf(document)] = document;
            }
        }

        var differ = new List<Guid>();
        var agree = 0;
        foreach (var id in ids)
        {
            var stream = await query.Events.FetchStreamAsync(id);
            var folded = Timelines.Fold<T>(stream);
            var stored = documents.GetValueOrDefault(id);
            var storedJson = stored is null ? "(no document)" : JsonSerializer.Serialize(stored);
            var foldedJson = JsonSerializer.Serialize(folded);
            if (storedJson == foldedJson)
            {
                agree++;
                continue;
            }

            if (differ.Count == 0)
            {
                var at = Enumerable.Range(0, Math.Min(storedJson.Length, foldedJson.Length)).FirstOrDefault(i => storedJson[i] != foldedJson[i]);
                Console.Error.WriteLine($"{typeof(T).Name} {id} differs from its fold at {at}:{Environment.NewLine}" +
                    $"  stored: ...{storedJson[Math.Max(0, at - 150)..Math.Min(storedJson.Length, at + 150)]}...{Environment.NewLine}" +
                    $"  folded: ...{foldedJson[Math.Max(0, at - 150)..Math.Min(foldedJson.Length, at + 150)]}...");
            }

            differ.Add(id);
        }

        return (agree, differ);
    }

    private static Guid StreamIdOf(object document) =>
        (Guid)document.GetType().GetProperty("Id")!.GetValue(document)!;

    private static async Task<Dictionary<Guid, long>> CountByAsync(NpgsqlDataSource dataSource, string sql, string type, Guid[] ids)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<Guid, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        return counts;
    }
}
