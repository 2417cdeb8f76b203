using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Fieldwork.Api.Hosting;

/// <summary>
/// Starts (or reuses) a private PostgreSQL cluster from the binaries installed on this
/// machine, for the run and test commands when no connection string is configured.
/// The cluster lives in the git-ignored local state folder, listens on 127.0.0.1 only,
/// on a port chosen once and remembered, in UTC. As root it runs the binaries as the
/// postgres user, since initdb refuses to run as root.
/// </summary>
public static class LocalPostgres
{
    private const string User = "fieldwork";
    private const string Password = "fieldwork";

    public static async Task<string> EnsureDatabaseAsync(string database, Action<string>? say = null)
    {
        say ??= _ => { };
        var runAs = IsRoot() ? "postgres" : null;
        var cluster = ClusterDirectory(runAs);
        var data = Path.Combine(cluster, "data");
        var portFile = Path.Combine(cluster, "port");

        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "No connection string is configured (ConnectionStrings:Fieldwork) and no PostgreSQL binaries " +
            "(initdb, pg_ctl) were found on PATH or under /usr/lib/postgresql/*/bin. Install PostgreSQL 15 or " +
            "newer (Debian/Ubuntu: apt-get install postgresql), run 'docker compose up', or set " +
            "ConnectionStrings__Fieldwork to an existing database.");

        System.IO.Directory.CreateDirectory(cluster);
        await using (var gate = await AcquireLockAsync(Path.Combine(cluster, ".lock")))
        {
            if (runAs is not null)
            {
                Run("chown", ["-R", runAs, cluster]);
            }

            if (!File.Exists(Path.Combine(data, "PG_VERSION")))
            {
                say($"Creating a private PostgreSQL cluster in {data}");
                var pwfile = Path.Combine(cluster, "pwfile");
                await File.WriteAllTextAsync(pwfile, Password + "\n");
                if (runAs is not null)
                {
                    Run("chown", [runAs, pwfile]);
                }

                RunPostgres(runAs, Path.Combine(bin, "initdb"),
                    ["-D", data, "-U", User, "--pwfile", pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"]);
                File.Delete(pwfile);
                await File.WriteAllTextAsync(portFile, FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var port = int.Parse((await File.ReadAllTextAsync(portFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (RunPostgres(runAs, Path.Combine(bin, "pg_ctl"), ["status", "-D", data], check: false) != 0)
            {
                say($"Starting the private PostgreSQL cluster on 127.0.0.1:{port}");
                var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c timezone=UTC " +
                              "-c max_connections=200 -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
                RunPostgres(runAs, Path.Combine(bin, "pg_ctl"),
                    ["start", "-D", data, "-w", "-t", "60", "-l", Path.Combine(cluster, "server.log"), "-o", options]);
            }

            var server = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = User,
                Password = Password,
                Database = "postgres",
                // Unpooled: after a restart of the cluster a pooled connection would be a dead one.
                Pooling = false,
            };
            await CreateDatabaseIfMissingAsync(server.ConnectionString, database);
            server.Database = database;
            server.Pooling = true;
            return server.ConnectionString;
        }
    }

    /// <summary>
    /// Stops the private cluster with pg_ctl's fast mode (sessions ended, open transactions rolled
    /// back), for resilience runs; <see cref="EnsureDatabaseAsync"/> starts it again.
    /// </summary>
    public static async Task StopPrivateClusterAsync()
    {
        var runAs = IsRoot() ? "postgres" : null;
        var cluster = ClusterDirectory(runAs);
        var bin = FindBinaries() ?? throw new InvalidOperationException("No PostgreSQL binaries (pg_ctl) found.");
        await using var gate = await AcquireLockAsync(Path.Combine(cluster, ".lock"));
        RunPostgres(runAs, Path.Combine(bin, "pg_ctl"), ["stop", "-D", Path.Combine(cluster, "data"), "-m", "fast", "-w", "-t", "60"]);
    }

    private static async Task CreateDatabaseIfMissingAsync(string serverConnection, string database)
    {
        await using var connection = new NpgsqlConnection(serverConnection);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync() is not null)
        {
            return;
        }

        try
        {
            await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it first.
        }
    }

    /// <summary>
    /// The cluster sits in the checkout's local state folder. As root, the postgres user must be
    /// able to reach it; when a parent folder bars it (a checkout under /root, say), the cluster
    /// moves to a folder of its own under /var/tmp, named after the checkout.
    /// </summary>
    private static string ClusterDirectory(string? runAs)
    {
        var local = Path.Combine(LocalState.Directory, "postgres");
        System.IO.Directory.CreateDirectory(local);
        if (runAs is null || Run("runuser", ["-u", runAs, "--", "test", "-x", local], check: false) == 0)
        {
            return local;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(local)))[..12];
        var fallback = Path.Combine("/var/tmp", $"fieldwork-postgres-{hash}");
        System.IO.Directory.CreateDirectory(fallback);
        return fallback;
    }

    private static string? FindBinaries()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        const string debian = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(debian))
        {
            return null;
        }

        return System.IO.Directory.GetDirectories(debian)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int RunPostgres(string? runAs, string program, IReadOnlyList<string> args, bool check = true) =>
        runAs is null ? Run(program, args, check) : Run("runuser", ["-u", runAs, "--", program, .. args], check);

    private static int Run(string program, IReadOnlyList<string> args, bool check = true)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}");
        // pg_ctl leaves the server running with our pipes inherited: read only until pg_ctl itself exits.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
        {
            var detail = stderr.IsCompleted ? stderr.Result : "";
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({process.ExitCode}): {detail}");
        }

        _ = stdout;
        return process.ExitCode;
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(100);
            }
        }
    }
}
