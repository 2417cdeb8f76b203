using Alba;
using Fieldwork.Api.Auth;
using Fieldwork.Api.Hosting;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Fieldwork.Tests.Infrastructure;

/// <summary>
/// One API host for the whole suite, against a real PostgreSQL: the one named by
/// ConnectionStrings__Fieldwork, or else a private cluster started from the local binaries
/// (database fieldwork_tests). Tests never reset data: each works in evaluations of its own,
/// with fresh ids and user names, so they depend on no order and no leftovers.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    /// <summary>Every log message the host writes, at Debug and above, for tests that check what never reaches a log.</summary>
    public CapturedLogs Logs { get; } = new();

    public string ConnectionString { get; private set; } = "";

    /// <summary>The database the suite was given (ConnectionStrings__Fieldwork), read before this fixture sets the variable for its host.</summary>
    public static readonly string? GivenConnectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Fieldwork");

    /// <summary>The API's OpenAPI document, which every response the suite receives must match.</summary>
    public Contract Contract { get; private set; } = null!;

    /// <summary>
    /// The throwaway cluster's test database, made anew for each run: what an earlier run (of
    /// an older version) left there, a demo seeded under the same id say, never meets this one.
    /// </summary>
    internal static async Task<string> FreshDatabaseAsync(string database = "fieldwork_tests")
    {
        var connection = await LocalPostgres.EnsureDatabaseAsync(database, throwaway: true);
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(connection) { Database = "postgres", Pooling = false };
        await using (var db = new Npgsql.NpgsqlConnection(admin.ConnectionString))
        {
            await db.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"drop database if exists {database} with (force)", db);
            await drop.ExecuteNonQueryAsync();
        }

        return await LocalPostgres.EnsureDatabaseAsync(database, throwaway: true);
    }

    public async Task InitializeAsync()
    {
        ConnectionString = GivenConnectionString is { Length: > 0 } given
            ? given
            : await FreshDatabaseAsync();
        Environment.SetEnvironmentVariable("ConnectionStrings__Fieldwork", ConnectionString);
        Environment.SetEnvironmentVariable("Fieldwork__SeedDemo", "false");
        // The suite sends many requests without a token (401 checks): the limit is tested on a host of its own.
        Environment.SetEnvironmentVariable("RateLimiting__UnauthenticatedPerMinute", "1000000");
        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.ConfigureLogging(logging =>
            {
                logging.AddProvider(Logs);
                logging.SetMinimumLevel(LogLevel.Debug);
            });
            builder.ConfigureServices(services => services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, FailingPathFilter>());
        });
        Contract = await ContractOfAsync(Host);
    }

    /// <summary>The contract a host publishes at /openapi/v1.json.</summary>
    public static async Task<Contract> ContractOfAsync(IAlbaHost host)
    {
        using var plain = host.Server.CreateClient();
        return new Contract(await plain.GetStringAsync("/openapi/v1.json"));
    }

    /// <summary>A client of the test host whose every answer is checked against the OpenAPI document.</summary>
    public HttpClient Client() => ClientOf(Host, Contract);

    public static HttpClient ClientOf(IAlbaHost host, Contract contract) =>
        new(new ContractCheckingHandler(contract, host.Server.CreateHandler())) { BaseAddress = host.Server.BaseAddress };

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public string TokenFor(string userId) =>
        Tokens.Mint(Host.Services.GetRequiredService<AuthSettings>(), userId, TimeProvider.System);

    /// <summary>Every event in the store, leaving out the tombstones Marten writes after a failed append.</summary>
    public async Task<long> EventCountAsync()
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName != Tombstone.Name).CountAsync();
    }

    /// <summary>
    /// Rows per table of the store's schema: a cheap fingerprint of everything a request could
    /// have written. Events and streams are counted without Marten's tombstones (written after a
    /// failed append, which writes nothing of the request's); tables that the async daemon
    /// (the integrity chain, its progress) and Wolverine's node bookkeeping write on their own
    /// are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> TableCountsAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' and table_schema = $1 " +
            "and table_name not like 'wolverine%' " +
            "and table_name not in ('fw_event_chain', 'fw_event_chain_format', 'fw_evaluation_chain', 'fw_evaluation_chain_mark', 'mt_event_progression', 'mt_high_water_skips', 'mt_event_projection_floors') " +
            "order by table_name", connection)
        { Parameters = { new() { Value = Fieldwork.FieldworkStore.Schema } } })
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            var where = table switch
            {
                "mt_events" => $" where type <> '{Tombstone.Name}'",
                "mt_streams" => $" where id not in (select stream_id from {Fieldwork.FieldworkStore.Schema}.mt_events where type = '{Tombstone.Name}')",
                _ => "",
            };
            await using var count = new Npgsql.NpgsqlCommand($"select count(*) from {Fieldwork.FieldworkStore.Schema}.\"{table}\"{where}", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
    }

    public async Task<IReadOnlyList<IEvent>> EventsOfStreamAsync(Guid streamId)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.FetchStreamAsync(streamId);
    }

    /// <summary>Every row of every table of the database, as text: what a dump of it would show.</summary>
    public async Task<string> DatabaseTextAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand(
            "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables " +
            "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var dump = new Npgsql.NpgsqlCommand($"select t::text from {table} t", connection);
            await using var rows = await dump.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                text.AppendLine(rows.GetString(0));
            }
        }

        return text.ToString();
    }

    public async Task<int> DocumentCountAsync<T>() where T : notnull
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<T>().CountAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "api";
}

/// <summary>
/// Test only: after the app's own pipeline, a request to <see cref="Path"/> throws an exception
/// whose message holds SQL and personal data, to check what an unexpected failure answers.
/// </summary>
public sealed class FailingPathFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Path = "/__tests/failure";

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Use(nextMiddleware => context => context.Request.Path == Path
            ? throw new InvalidOperationException("SELECT name FROM participants WHERE email = 'secret.person@trust.example'")
            : nextMiddleware(context));
    };
}
