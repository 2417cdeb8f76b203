using Fieldwork.Access;
using Fieldwork.Evaluations;
using Marten;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Every evaluation-scoped request checks membership against the evaluation's state. This
/// measures the served path (the inline snapshot document) against the reference (folding the
/// evaluation's stream on each read) for an evaluation with a long membership history.
/// </summary>
public static class EvaluationReadBenchmark
{
    public static async Task RunAsync(IDocumentStore store, int events, int samples)
    {
        var id = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Evaluation>(id,
                new EvaluationCreated(id, "Benchmark evaluation", new(2016, 9, 1), new(2021, 9, 30), null, "bench-lead"));
            await session.SaveChangesAsync();
        }

        var roles = Enum.GetValues<Role>().Where(r => r != Role.Lead).ToArray();
        for (var written = 1; written < events; written += 500)
        {
            await using var session = store.LightweightSession();
            var batch = Enumerable.Range(written, Math.Min(500, events - written))
                .Select(i => (object)new MemberRoleGranted(id, $"member-{i % 200}", roles[i % roles.Length]))
                .ToArray();
            var stream = await session.Events.FetchForWriting<Evaluation>(id);
            stream.AppendMany(batch);
            await session.SaveChangesAsync();
        }

        var fold = await Measure.RunAsync("fold the stream (AggregateStreamAsync)", samples, async i =>
        {
            await using var query = store.QuerySession();
            _ = await query.Events.AggregateStreamAsync<Evaluation>(id) ?? throw new InvalidOperationException();
        });
        var snapshot = await Measure.RunAsync("inline snapshot (LoadAsync, served)", samples, async i =>
        {
            await using var query = store.QuerySession();
            _ = await query.LoadAsync<Evaluation>(id) ?? throw new InvalidOperationException();
        });

        Measure.Report($"Evaluation state for the access check, {events} events in the stream", fold, snapshot);
    }
}
