using System.Diagnostics;
using Fieldwork.Api.Hosting;
using Npgsql;

namespace Fieldwork.Tests.Hosting;

/// <summary>
/// The private PostgreSQL cluster the run command starts is a team's system of record: durable,
/// reachable only with a password that sits in a file its owner alone reads, and never started in
/// a folder someone else controls. Each test works in a state folder of its own.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class when_running_the_private_cluster : IAsyncLifetime
{
    private readonly string state = Path.Combine(Path.GetTempPath(), $"fieldwork-cluster-{Guid.NewGuid():N}");

    public Task InitializeAsync()
    {
        // Traversable by the server's user when the suite runs as root, written by no one else.
        Directory.CreateDirectory(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await LocalPostgres.StopPrivateClusterAsync(stateDirectory: state);
        }
        catch (InvalidOperationException)
        {
            // Never started (the refusal test).
        }

        Directory.Delete(state, recursive: true);
    }

    [Fact]
    public async Task the_api_cluster_keeps_durable_settings_and_loses_no_acknowledged_write_when_killed()
    {
        var connectionString = await LocalPostgres.EnsureDatabaseAsync("fieldwork_durability", stateDirectory: state);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            foreach (var setting in new[] { "fsync", "full_page_writes", "synchronous_commit" })
            {
                Assert.Equal("on", await Scalar<string>(connection, $"show {setting}"));
            }

            await Scalar<int>(connection, "create table acknowledged (n int); select 0");
            for (var n = 1; n <= 50; n++)
            {
                await Scalar<int>(connection, $"insert into acknowledged values ({n}); select {n}");
            }

            // SIGKILL the server itself: no shutdown checkpoint, only the WAL on disk.
            var dataDirectory = await Scalar<string>(connection, "show data_directory");
            var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
            Process.GetProcessById(postmaster).Kill();
            await Process.GetProcessById(postmaster).WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        NpgsqlConnection.ClearAllPools();
        var again = await LocalPostgres.EnsureDatabaseAsync("fieldwork_durability", stateDirectory: state);
        await using var restarted = new NpgsqlConnection(again);
        await restarted.OpenAsync();
        Assert.Equal(50L, await Scalar<long>(restarted, "select count(*) from acknowledged"));
    }

    [Fact]
    public async Task the_cluster_has_a_random_password_that_only_its_owner_can_read()
    {
        var connectionString = await LocalPostgres.EnsureDatabaseAsync("fieldwork_password", stateDirectory: state);
        var password = new NpgsqlConnectionStringBuilder(connectionString).Password!;
        Assert.NotEqual("fieldwork", password);
        Assert.True(password.Length >= 32);

        var file = Directory.GetFiles(state, "*.password").Single();
        Assert.Equal(password, (await File.ReadAllTextAsync(file)).Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        var guessed = new NpgsqlConnectionStringBuilder(connectionString) { Password = "fieldwork", Pooling = false };
        await using var attempt = new NpgsqlConnection(guessed.ConnectionString);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => attempt.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Fact]
    public async Task a_cluster_folder_that_others_may_write_to_is_refused()
    {
        var folder = Path.Combine(state, "postgres");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalPostgres.EnsureDatabaseAsync("fieldwork_refused", stateDirectory: state));
        Assert.Contains("may be written by other users", refused.Message);
        Assert.False(File.Exists(Path.Combine(folder, "data", "PG_VERSION")));
    }

    [Fact]
    public void a_secret_file_is_readable_by_its_owner_alone_and_an_older_looser_one_is_tightened()
    {
        var fresh = Path.Combine(state, "fresh-key");
        var made = LocalState.Secret(fresh, () => "s3cret");
        Assert.Equal("s3cret", made);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fresh));
        Assert.Equal("s3cret", LocalState.Secret(fresh, () => "another"));

        var old = Path.Combine(state, "old-key");
        File.WriteAllText(old, "legacy\n");
        File.SetUnixFileMode(old, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Equal("legacy", LocalState.Secret(old, () => "unused"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(old));
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
