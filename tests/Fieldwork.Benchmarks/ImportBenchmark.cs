using System.Diagnostics;
using System.Globalization;
using Fieldwork.Demo;
using Marten;
using Npgsql;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Two rates for scale data and operations, each against what PostgreSQL alone does with the
/// same rows in the same run:
/// <list type="bullet">
/// <item>bulk import: <c>seed --scale</c>'s path (<see cref="DemoEvaluation.SeedBulkAsync"/>, one
/// demo-shaped evaluation per sample) against a binary COPY of exactly the rows Marten wrote
/// (mt_events and mt_streams) into tables shaped like them, indexes included;</item>
/// <item>projection rebuild: Marten's daemon rebuilding every inline projection from the stored
/// events (on a store of <see cref="Fieldwork.Timeline.RebuildSettings.Connection"/>) against a
/// plain Npgsql read of every event (data as text).</item>
/// </list>
/// </summary>
public static class ImportBenchmark
{
    private const int FirstSeed = 7_000;

    private sealed record Rate(string Name, IReadOnlyList<(long Events, TimeSpan Time)> Samples)
    {
        public double EventsPerSecond => new Timing(Name, [.. Samples.Select(s => s.Events / s.Time.TotalSeconds)]).Median;

        public double Milliseconds => new Timing(Name, [.. Samples.Select(s => s.Time.TotalMilliseconds)]).Median;

        public string Row(Rate baseline) => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Samples.Count} | {Samples.Average(s => s.Events):N0} | {Milliseconds:N0} | {EventsPerSecond:N0} | {EventsPerSecond / baseline.EventsPerSecond:0.00} |");
    }

    /// <summary>Wraps the seeded transcript keys under a throwaway key: the benchmark never reads them back.</summary>
    private static readonly Fieldwork.Secrets.KeyRing BenchmarkKeys =
        new(new Fieldwork.Secrets.KeyEncryptionKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    public static async Task<int> RunAsync(IDocumentStore store, string connection, int samples, int rebuildSamples, bool emptyFirst)
    {
        if (emptyFirst)
        {
            await AuditBenchmark.EmptyAsync(store);
        }
        else
        {
            Console.WriteLine("Database given by ConnectionStrings__Fieldwork: not emptied; earlier data changes the figures.");
        }

        var schema = FieldworkStore.Schema;
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await ExecuteAsync(dataSource, $"""
            create schema if not exists bench;
            drop table if exists bench.copy_events;
            drop table if exists bench.copy_streams;
            create table bench.copy_events (like {schema}.mt_events including defaults including indexes);
            create table bench.copy_streams (like {schema}.mt_streams including defaults including indexes);
            """);

        // Seeds not used before in this database (seeding one twice writes nothing).
        var firstSeed = emptyFirst ? FirstSeed : FirstSeed + (int)(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond % 1_000_000) * 100;
        var copies = new List<(long, TimeSpan)>();
        var imports = new List<(long, TimeSpan)>();
        var seeds = new List<(long, TimeSpan)>();
        for (var i = 0; i <= samples; i++)
        {
            var before = await AuditBenchmark.ScalarAsync(dataSource, $"select coalesce(max(seq_id), 0) from {schema}.mt_events");
            var summary = await DemoEvaluation.SeedBulkAsync(store, BenchmarkKeys, firstSeed + i, $"Import benchmark evaluation {i}");
            if (summary.AlreadyThere)
            {
                throw new InvalidOperationException($"The evaluation of seed {firstSeed + i} is already in this database: nothing to time.");
            }

            var (events, streams) = await ReadBackAsync(dataSource, schema, before);
            var copied = await CopyAsync(dataSource, events, streams);
            if (i == 0)
            {
                continue; // warm-up: JIT, plans and caches, not counted
            }

            seeds.Add((summary.Events, summary.Elapsed));
            imports.Add((summary.Events, summary.EventImport));
            copies.Add((summary.Events, copied));
        }

        var copy = new Rate("PostgreSQL binary COPY of the same mt_events and mt_streams rows, one transaction", copies);
        var import = new Rate("Marten BulkInsertEventStreamAsync: events serialised and COPY-ed, streams written", imports);
        var seed = new Rate("seed --scale path: the bulk import, then every read model folded and stored", seeds);
        Console.WriteLine($"### Bulk import of a demo-shaped evaluation, {samples} evaluations after 1 warm-up");
        Console.WriteLine();
        Console.WriteLine("| path | samples | events each | median ms | median events/s | rate vs baseline |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine((copy with { Name = copy.Name + " (baseline)" }).Row(copy));
        Console.WriteLine(import.Row(copy));
        Console.WriteLine(seed.Row(copy));
        Console.WriteLine();

        // Rebuilds run on a store of their own, as they should be run (see RebuildSettings.Connection).
        await using var rebuildStore = DocumentStore.For(opts => FieldworkStore.Configure(opts, Fieldwork.Timeline.RebuildSettings.Connection(connection)));
        await RebuildAsync(rebuildStore, dataSource, schema, rebuildSamples);
        return 0;
    }

    /// <summary>Rebuilds every inline projection through Marten's daemon, against a plain read of the same events.</summary>
    private static async Task RebuildAsync(IDocumentStore store, NpgsqlDataSource dataSource, string schema, int samples)
    {
        var total = await AuditBenchmark.ScalarAsync(dataSource, $"select count(*) from {schema}.mt_events");
        var documents = await DocumentCountAsync(dataSource, schema);
        var names = ((DocumentStore)store).Options.Projections.All
            .Where(p => p.Lifecycle == JasperFx.Events.Projections.ProjectionLifecycle.Inline)
            .Select(p => p.Name).ToArray();

        using var daemon = await store.BuildProjectionDaemonAsync();
        var reads = new List<(long, TimeSpan)>();
        var rebuilds = new List<(long, TimeSpan)>();
        var each = names.ToDictionary(n => n, _ => new List<double>());
        for (var i = 0; i <= samples; i++)
        {
            var watch = Stopwatch.StartNew();
            var read = await ReadEveryEventAsync(dataSource, schema);
            var readTime = watch.Elapsed;
            watch.Restart();
            foreach (var name in names)
            {
                var one = Stopwatch.StartNew();
                await daemon.RebuildProjectionAsync(name, TimeSpan.FromMinutes(10), CancellationToken.None);
                if (i > 0)
                {
                    each[name].Add(one.Elapsed.TotalMilliseconds);
                }
            }

            var rebuildTime = watch.Elapsed;
            if (read != total)
            {
                throw new InvalidOperationException($"The plain read saw {read} events of {total}.");
            }

            if (i > 0)
            {
                reads.Add((total, readTime));
                rebuilds.Add((total, rebuildTime));
            }
        }

        var after = await DocumentCountAsync(dataSource, schema);
        if (after != documents)
        {
            throw new InvalidOperationException($"The rebuild left {after} read-model documents where there were {documents}.");
        }

        var baseline = new Rate("plain Npgsql: read every event (sequence, stream, version, type, timestamp, data as text)", reads);
        var rebuilt = new Rate($"Marten's daemon rebuilds every inline projection ({names.Length}: {string.Join(", ", names)})", rebuilds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### Projection rebuild over {total:N0} events ({documents:N0} read-model documents, the same count after every rebuild), {samples} runs after 1 warm-up"));
        Console.WriteLine();
        Console.WriteLine("| path | samples | events | median ms | median events/s | rate vs baseline |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine((baseline with { Name = baseline.Name + " (baseline)" }).Row(baseline));
        Console.WriteLine(rebuilt.Row(baseline));
        Console.WriteLine();
        Console.WriteLine("Each projection's share of a rebuild (median ms): " + string.Join(", ",
            each.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key} {new Timing(e.Key, e.Value).Median:N0}"))));
        Console.WriteLine();
    }

    /// <summary>The rows Marten wrote after <paramref name="after"/>, as PostgreSQL's binary COPY format.</summary>
    private static async Task<(byte[] Events, byte[] Streams)> ReadBackAsync(NpgsqlDataSource dataSource, string schema, long after)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        async Task<byte[]> Out(string query)
        {
            await using var stream = await connection.BeginRawBinaryCopyAsync($"copy ({query}) to stdout (format binary)");
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            return buffer.ToArray();
        }

        var events = await Out($"select * from {schema}.mt_events where seq_id > {after} order by seq_id");
        var streams = await Out($"select * from {schema}.mt_streams where id in (select stream_id from {schema}.mt_events where seq_id > {after})");
        return (events, streams);
    }

    /// <summary>Empties the copy tables (not timed), then COPYs the rows in, in one transaction (timed).</summary>
    private static async Task<TimeSpan> CopyAsync(NpgsqlDataSource dataSource, byte[] events, byte[] streams)
    {
        await ExecuteAsync(dataSource, "truncate bench.copy_events; truncate bench.copy_streams;");
        await using var connection = await dataSource.OpenConnectionAsync();
        var watch = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (table, rows) in new[] { ("bench.copy_streams", streams), ("bench.copy_events", events) })
        {
            await using var stream = await connection.BeginRawBinaryCopyAsync($"copy {table} from stdin (format binary)");
            await stream.WriteAsync(rows);
        }

        await transaction.CommitAsync();
        return watch.Elapsed;
    }

    private static async Task<long> ReadEveryEventAsync(NpgsqlDataSource dataSource, string schema)
    {
        await using var command = dataSource.CreateCommand(
            $"select seq_id, stream_id, version, type, timestamp, data::text from {schema}.mt_events order by seq_id");
        await using var reader = await command.ExecuteReaderAsync();
        long count = 0;
        while (await reader.ReadAsync())
        {
            _ = reader.GetInt64(0);
            _ = reader.GetGuid(1);
            _ = reader.GetInt64(2);
            _ = reader.GetString(3);
            _ = reader.GetFieldValue<DateTimeOffset>(4);
            _ = reader.GetString(5);
            count++;
        }

        return count;
    }

    /// <summary>Every row of every document table (those no projection writes stay the same).</summary>
    private static async Task<long> DocumentCountAsync(NpgsqlDataSource dataSource, string schema)
    {
        var tables = new List<string>();
        await using (var command = dataSource.CreateCommand(
            $"select table_name from information_schema.tables where table_schema = '{schema}' and table_name like 'mt_doc_%'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        long count = 0;
        foreach (var table in tables)
        {
            count += await AuditBenchmark.ScalarAsync(dataSource, $"select count(*) from {schema}.{table}");
        }

        return count;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
