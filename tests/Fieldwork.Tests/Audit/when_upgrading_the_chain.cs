using Fieldwork.Integrity;
using Fieldwork.Tests.Infrastructure;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Npgsql;
using JasperFx;

namespace Fieldwork.Tests.Audit;

/// <summary>
/// A store chained before format 2 existed: its format 1 links stay as they are and verify under
/// format 1; the daemon of the new version links every later event in format 2 and records the
/// sequence it starts from. In a schema of its own, so that the suite's store is untouched.
/// </summary>
public sealed class when_upgrading_the_chain(AppFixture app) : ApiTest(app)
{
    public sealed record Noted(string Text);

    private static DocumentStore StoreIn(string connectionString, string schema) => DocumentStore.For(opts =>
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = schema;
        opts.AutoCreateSchemaObjects = AutoCreate.All;
        opts.UseSystemTextJsonForSerialization(casing: Weasel.Core.Casing.CamelCase);
        opts.Events.MetadataConfig.EnableAll();
        opts.Events.MetadataConfig.UserNameEnabled = true;
        opts.Events.AddEventType<Noted>();
        foreach (var (name, columns) in new[] { (EventChain.Table, "seq_id"), (EventChain.FormatTable, "format") })
        {
            var table = new Weasel.Postgresql.Tables.Table(new Weasel.Postgresql.PostgresqlObjectName(schema, name,
                Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
            if (columns == "seq_id")
            {
                table.AddColumn<long>("seq_id").AsPrimaryKey();
                table.AddColumn("hash", "bytea").NotNull();
            }
            else
            {
                table.AddColumn<int>("format").AsPrimaryKey();
                table.AddColumn<long>("from_seq").NotNull();
                table.AddColumn("recorded_at", "timestamptz").NotNull();
            }

            opts.Storage.ExtendedSchemaObjects.Add(table);
        }

        // The projection extends each evaluation's chain in the same batch: its tables, as the store has them.
        EvaluationChain.Configure(opts, schema);
        opts.Projections.Add(new EventChainProjection(), ProjectionLifecycle.Async, "EventChain");
    });

    private static async Task AppendAsync(IDocumentStore store, string user, params string[] texts)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = user;
        session.CausationId = "test";
        session.Events.StartStream(Guid.NewGuid(), texts.Select(t => (object)new Noted(t)).ToArray());
        await session.SaveChangesAsync();
    }

    [Fact]
    public async Task old_links_keep_their_format_and_new_ones_cover_who_and_why()
    {
        var schema = $"chain_upgrade_{Guid.NewGuid():N}"[..24];
        await using var dataSource = NpgsqlDataSource.Create(App.ConnectionString);
        async Task Run(string sql)
        {
            await using var command = dataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            using var store = StoreIn(App.ConnectionString, schema);
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await AppendAsync(store, "alice", "one", "two", "three");

            // What the earlier version wrote: format 1 links, and no record of a format.
            var previous = EventChain.Genesis;
            await using (var read = dataSource.CreateCommand($"select {EventChain.Columns("e")} from {schema}.mt_events e order by e.seq_id"))
            await using (var reader = await read.ExecuteReaderAsync())
            {
                var links = new List<(long, byte[])>();
                while (await reader.ReadAsync())
                {
                    var row = EventChain.Read(reader);
                    previous = EventChain.Next(previous, row, 1);
                    links.Add((row.Sequence, previous));
                }

                await reader.CloseAsync();
                foreach (var (sequence, hash) in links)
                {
                    await using var insert = dataSource.CreateCommand($"insert into {schema}.{EventChain.Table} values ({sequence}, $1)");
                    insert.Parameters.Add(new NpgsqlParameter { Value = hash });
                    await insert.ExecuteNonQueryAsync();
                }
            }

            var old = await EventChain.VerifyAsync(dataSource, schema);
            Assert.Equal(ChainStatus.Ok, old.Status);
            Assert.Equal([new ChainFormat(1, 1)], old.Formats);

            // The new version is deployed and records two more events.
            await AppendAsync(store, "bob", "four", "five");

            // Not chained yet: verified up to the head, but not ok.
            var pending = await EventChain.VerifyAsync(dataSource, schema);
            Assert.Equal(ChainStatus.Pending, pending.Status);
            Assert.False(pending.Ok);
            Assert.Equal((3, 3, 2), (pending.HeadSequence, pending.Checked, pending.Pending));
            Assert.Equal(old.Head, pending.Head);

            // Its projection takes over, handed the log as the daemon hands it over: in order.
            await using (var session = store.LightweightSession())
            {
                var events = await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync();
                await new EventChainProjection().ApplyAsync(session, events, CancellationToken.None);
                await session.SaveChangesAsync();
            }

            var upgraded = await EventChain.VerifyAsync(dataSource, schema);
            Assert.Equal(ChainStatus.Ok, upgraded.Status);
            Assert.Equal(5, upgraded.Checked);
            Assert.Equal([new ChainFormat(1, 1), new ChainFormat(2, 4)], upgraded.Formats);

            // An anchor from before the upgrade still holds.
            var anchored = await EventChain.VerifyAsync(dataSource, schema, new ChainAnchor(old.HeadSequence, old.Head));
            Assert.True(anchored.AnchorOk);

            // Format 2 links cover the user; format 1 links never did, and say so by their format.
            await Run($"update {schema}.mt_events set user_name = 'mallory' where seq_id = 5");
            Assert.Equal(5, (await EventChain.VerifyAsync(dataSource, schema)).FirstBrokenSequence);
            await Run($"update {schema}.mt_events set user_name = 'bob' where seq_id = 5");
            await Run($"update {schema}.mt_events set user_name = 'mallory' where seq_id = 2");
            Assert.Equal(ChainStatus.Ok, (await EventChain.VerifyAsync(dataSource, schema)).Status);
            await Run($"update {schema}.mt_events set user_name = 'alice' where seq_id = 2");

            // The record of where format 2 starts cannot be moved or dropped unseen.
            await Run($"update {schema}.{EventChain.FormatTable} set from_seq = 5");
            Assert.Equal(4, (await EventChain.VerifyAsync(dataSource, schema)).FirstBrokenSequence);
            await Run($"delete from {schema}.{EventChain.FormatTable}");
            Assert.Equal(4, (await EventChain.VerifyAsync(dataSource, schema)).FirstBrokenSequence);
        }
        finally
        {
            await Run($"drop schema if exists {schema} cascade");
        }
    }
}
