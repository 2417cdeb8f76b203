using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Fieldwork.Api.Hosting;

/// <summary>
/// Starts (or reuses) a private PostgreSQL cluster from the binaries installed on this
/// machine, for the run and test commands when no connection string is configured.
/// The cluster lives in the git-ignored local state folder, listens on 127.0.0.1 only,
/// on a port chosen once and remembered, in UTC, with a random password kept in a file only
/// its owner can read. The API's cluster keeps PostgreSQL's durable settings; the test suite's
/// throwaway cluster trades durability for speed. As root it runs the binaries as the postgres
/// user, since initdb refuses to run as root.
/// </summary>
public static class LocalPostgres
{
    private const string User = "fieldwork";

    /// <summary>The password clusters made by earlier versions had; replaced by a random one on first use.</summary>
    private const string LegacyPassword = "fieldwork";

    private const string Marker = ".created-by-fieldwork";

    /// <summary>Settings that lose acknowledged commits on a crash: for the throwaway cluster only.</summary>
    private const string FastSettings = " -c fsync=off -c full_page_writes=off -c synchronous_commit=off";

    /// <param name="database">The database to create if missing.</param>
    /// <param name="say">Progress lines for a person.</param>
    /// <param name="throwaway">The test suite's and benchmarks' own cluster, whose data may be lost on a crash.</param>
    /// <param name="stateDirectory">Where the cluster and its password live (the checkout's local state folder by default).</param>
    public static async Task<string> EnsureDatabaseAsync(string database, Action<string>? say = null, bool throwaway = false,
        string? stateDirectory = null)
    {
        say ??= _ => { };
        var runAs = IsRoot() ? "postgres" : null;
        var name = throwaway ? "postgres-throwaway" : "postgres";
        var state = stateDirectory ?? LocalState.Directory;
        var cluster = ClusterDirectory(runAs, name, state);
        var data = Path.Combine(cluster, "data");
        var portFile = Path.Combine(cluster, "port");

        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "No connection string is configured (ConnectionStrings:Fieldwork) and no PostgreSQL binaries " +
            "(initdb, pg_ctl) were found on PATH or under /usr/lib/postgresql/*/bin. Install PostgreSQL 15 or " +
            "newer (Debian/Ubuntu: apt-get install postgresql), run 'docker compose up', or set " +
            "ConnectionStrings__Fieldwork to an existing database.");

        // Kept beside the cluster's folder, never inside it: the server's user need not read it.
        var password = LocalState.Secret(Path.Combine(state, name + ".password"),
            () => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        await using (var gate = await AcquireLockAsync(Path.Combine(cluster, ".lock")))
        {
            if (runAs is not null)
            {
                // Not checked: on a cluster already running, files the server removes during the walk
                // (statistics, temporary files, recycled WAL) make chown -R fail although everything
                // left is the server's. A real ownership problem stops initdb or pg_ctl below, with their words.
                Run("chown", ["-R", runAs, cluster], check: false);
            }

            if (!File.Exists(Path.Combine(data, "PG_VERSION")))
            {
                say($"Creating a private PostgreSQL cluster in {data}{(throwaway ? " (throwaway: fsync off)" : "")}");
                var pwfile = Path.Combine(cluster, "pwfile");
                await File.WriteAllTextAsync(pwfile, password + "\n");
                if (runAs is not null)
                {
                    Run("chown", [runAs, pwfile]);
                }

                RunPostgres(runAs, Path.Combine(bin, "initdb"),
                    ["-D", data, "-U", User, "--pwfile", pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", .. throwaway ? new[] { "--no-sync" } : []]);
                File.Delete(pwfile);
                await File.WriteAllTextAsync(portFile, FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
                await File.WriteAllTextAsync(Path.Combine(cluster, Marker), "This PostgreSQL cluster was created by Fieldwork.\n");
            }
            else if (!File.Exists(Path.Combine(cluster, Marker)) && !IsInside(cluster, state))
            {
                throw new InvalidOperationException(
                    $"{cluster} holds a PostgreSQL cluster that Fieldwork did not create; it will not be used. Move it away, or set ConnectionStrings__Fieldwork.");
            }

            var port = int.Parse((await File.ReadAllTextAsync(portFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (RunPostgres(runAs, Path.Combine(bin, "pg_ctl"), ["status", "-D", data], check: false) != 0)
            {
                say($"Starting the private PostgreSQL cluster on 127.0.0.1:{port}");
                var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c timezone=UTC " +
                              "-c max_connections=200" + (throwaway ? FastSettings : "");
                RunPostgres(runAs, Path.Combine(bin, "pg_ctl"),
                    ["start", "-D", data, "-w", "-t", "60", "-l", Path.Combine(cluster, "server.log"), "-o", options]);
            }

            var server = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = User,
                Password = password,
                Database = "postgres",
                // Unpooled: after a restart of the cluster a pooled connection would be a dead one.
                Pooling = false,
            };
            await ReplaceLegacyPasswordAsync(server, password);
            await CreateDatabaseIfMissingAsync(server.ConnectionString, database);
            server.Database = database;
            server.Pooling = true;
            return server.ConnectionString;
        }
    }

    /// <summary>A cluster made by an earlier version has the password written in its code: give it the random one.</summary>
    private static async Task ReplaceLegacyPasswordAsync(NpgsqlConnectionStringBuilder server, string password)
    {
        try
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidPassword)
        {
        }

        var legacy = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = LegacyPassword };
        await using var old = new NpgsqlConnection(legacy.ConnectionString);
        await old.OpenAsync();
        await using var alter = new NpgsqlCommand($"alter role {User} password '{password}'", old);
        await alter.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Stops the private cluster with pg_ctl's fast mode (sessions ended, open transactions rolled
    /// back), for resilience runs; <see cref="EnsureDatabaseAsync"/> starts it again.
    /// </summary>
    public static async Task StopPrivateClusterAsync(bool throwaway = false, string? stateDirectory = null)
    {
        var runAs = IsRoot() ? "postgres" : null;
        var cluster = ClusterDirectory(runAs, throwaway ? "postgres-throwaway" : "postgres", stateDirectory ?? LocalState.Directory);
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
    /// moves to a folder of its own under /var/lib/fieldwork (root's, not world-writable), named
    /// after the checkout. A folder that another user owns, or that others may write to, is refused.
    /// </summary>
    private static string ClusterDirectory(string? runAs, string name, string state)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The private PostgreSQL cluster needs Linux or macOS: set ConnectionStrings__Fieldwork.");
        }

        var local = Path.Combine(state, name);
        System.IO.Directory.CreateDirectory(local);
        if (runAs is null || Run("runuser", ["-u", runAs, "--", "test", "-x", local], check: false) == 0)
        {
            return Checked(local, runAs);
        }

        const string root = "/var/lib/fieldwork";
        System.IO.Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Checked(root, runAs);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(local)))[..12];
        var fallback = Path.Combine(root, $"{name}-{hash}");
        System.IO.Directory.CreateDirectory(fallback, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return Checked(fallback, runAs);
    }

    /// <summary>The folder, if it belongs to this user (or to the server's user) and no one else may write to it.</summary>
    private static string Checked(string folder, string? runAs)
    {
        if (OperatingSystem.IsWindows())
        {
            return folder;
        }

        var owner = Output("stat", ["-c", "%U", folder]).Trim();
        var mode = File.GetUnixFileMode(folder);
        var me = Environment.UserName;
        if (owner != me && owner != runAs)
        {
            throw new InvalidOperationException($"{folder} belongs to {owner}, not to {me}: the private PostgreSQL cluster will not use it.");
        }

        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"{folder} may be written by other users: the private PostgreSQL cluster will not use it.");
        }

        return folder;
    }

    private static bool IsInside(string folder, string parent) =>
        Path.GetFullPath(folder).StartsWith(Path.GetFullPath(parent) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

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

    private static int Run(string program, IReadOnlyList<string> args, bool check = true) => Execute(program, args, check).ExitCode;

    /// <summary>What a short-lived program (not pg_ctl, whose server keeps the pipes) prints.</summary>
    private static string Output(string program, IReadOnlyList<string> args) => Execute(program, args, check: true, waitForOutput: true).Output;

    private static (int ExitCode, string Output) Execute(string program, IReadOnlyList<string> args, bool check, bool waitForOutput = false)
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
        if (waitForOutput)
        {
            Task.WaitAll(stdout, stderr);
        }

        if (check && process.ExitCode != 0)
        {
            var detail = stderr.IsCompleted ? stderr.Result : "";
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({process.ExitCode}): {detail}");
        }

        return (process.ExitCode, stdout.IsCompleted ? stdout.Result : "");
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
