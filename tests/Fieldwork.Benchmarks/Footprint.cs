using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Fieldwork.Benchmarks;

/// <summary>
/// CPU seconds used so far by the API process, by the PostgreSQL cluster (postmaster, its live
/// children and the children it has reaped), by the harness itself, and by the whole machine,
/// read from /proc (Linux only; zero elsewhere). The machine's figure shows whether anything
/// else (a build, a test run) competed for the cores during a burst.
/// </summary>
public sealed record CpuTimes(double Api, double Postgres, double Harness, double Machine)
{
    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    public double Total => Api + Postgres + Harness;

    /// <summary>Everything else the machine ran (never below zero: the counters are read a moment apart).</summary>
    public double Others => Math.Max(0, Machine - Total);

    public static CpuTimes Now(int apiPid, int postmasterPid) =>
        new(Cpu(apiPid, children: false), ClusterCpu(postmasterPid), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, MachineCpu());

    /// <summary>The postmaster's pid: the parent of this connection's backend.</summary>
    public static async Task<int> PostmasterAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("select pg_backend_pid()");
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return Stat(backend) is { } stat ? int.Parse(stat[1], CultureInfo.InvariantCulture) : 0;
    }

    public static CpuTimes operator -(CpuTimes a, CpuTimes b) =>
        new(a.Api - b.Api, a.Postgres - b.Postgres, a.Harness - b.Harness, a.Machine - b.Machine);

    public static CpuTimes operator +(CpuTimes a, CpuTimes b) =>
        new(a.Api + b.Api, a.Postgres + b.Postgres, a.Harness + b.Harness, a.Machine + b.Machine);

    // The first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...": busy = all but idle and iowait.
    private static double MachineCpu()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
            return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double ClusterCpu(int postmaster)
    {
        if (postmaster <= 0 || !Directory.Exists("/proc"))
        {
            return 0;
        }

        var total = Cpu(postmaster, children: true);
        var parent = postmaster.ToString(CultureInfo.InvariantCulture);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { } stat && stat[1] == parent)
            {
                total += Cpu(stat, children: false);
            }
        }

        return total;
    }

    private static double Cpu(int pid, bool children) => Stat(pid) is { } stat ? Cpu(stat, children) : 0;

    // Fields after "(comm)": [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime.
    private static double Cpu(string[] stat, bool children)
    {
        long Field(int i) => long.Parse(stat[i], CultureInfo.InvariantCulture);
        return (Field(11) + Field(12) + (children ? Field(13) + Field(14) : 0)) / TicksPerSecond;
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>The database's own counters from pg_stat_database: transactions committed, rows inserted.</summary>
public sealed record DatabaseCounters(long Commits, long Inserted)
{
    /// <summary>
    /// Reads the counters once every backend has reported: an idle backend flushes its statistics
    /// within 10 s (PostgreSQL 15's PGSTAT_IDLE_INTERVAL), and the API's pooled connections stay
    /// open and idle, so this waits 11 s first.
    /// </summary>
    public static async Task<DatabaseCounters> SettledAsync(NpgsqlDataSource dataSource)
    {
        await Task.Delay(TimeSpan.FromSeconds(11));
        await using var command = dataSource.CreateCommand("""
            select pg_stat_clear_snapshot();
            select xact_commit, tup_inserted from pg_stat_database where datname = current_database();
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return new DatabaseCounters(reader.GetInt64(0), reader.GetInt64(1));
    }

    public static DatabaseCounters operator -(DatabaseCounters a, DatabaseCounters b) => new(a.Commits - b.Commits, a.Inserted - b.Inserted);

    public static DatabaseCounters operator +(DatabaseCounters a, DatabaseCounters b) => new(a.Commits + b.Commits, a.Inserted + b.Inserted);
}
