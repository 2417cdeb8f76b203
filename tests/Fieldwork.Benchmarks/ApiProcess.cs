using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fieldwork.Benchmarks;

/// <summary>
/// The real API as a separate process on 127.0.0.1, run from its Release build with
/// <c>dotnet Fieldwork.Api.dll</c>, in Production, logging warnings only. Disposing it kills
/// the process; so does the end of the benchmark process, however it ends.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    /// <summary>An environment variable named with this prefix is passed to the API process alone, without it.</summary>
    public const string ApiOnlyPrefix = "FIELDWORK_API_";

    private const int KeptLines = 40;

    private readonly Process process;
    private readonly Queue<string> lastLines = new();

    private ApiProcess(Process process, Uri address, string dll)
    {
        this.process = process;
        Address = address;
        Dll = dll;
    }

    public Uri Address { get; }

    public string Dll { get; }

    public int Pid => process.Id;

    public int Port => Address.Port;

    /// <summary>Starts the API against <paramref name="connection"/> and waits for GET /health to answer 200.</summary>
    /// <param name="port">The port to listen on (a restart reuses its predecessor's); a free one when not given.</param>
    /// <param name="name">Its name in PostgreSQL's pg_stat_activity (application_name), to tell processes apart.</param>
    public static async Task<ApiProcess> StartAsync(string connection, string signingKey, TimeSpan timeout, int? port = null, string? name = null)
    {
        if (name is not null)
        {
            connection = new Npgsql.NpgsqlConnectionStringBuilder(connection) { ApplicationName = name }.ConnectionString;
        }

        var dll = FindApiDll();
        port ??= FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ConnectionStrings__Fieldwork"] = connection;
        info.Environment["Auth__SigningKey"] = signingKey;
        // Production wants the secrets a real deployment has: a key-encryption key that stays the same
        // for the benchmark database across runs (the store refuses another), and a checkpoint key.
        info.Environment["Secrets__KeyEncryptionKey"] = Fieldwork.Api.Hosting.LocalState.Secret(
            Path.Combine(Fieldwork.Api.Hosting.LocalState.Directory, "benchmark-key-encryption-key"), Fieldwork.Secrets.KeyEncryptionKey.NewText);
        using (var checkpointKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            info.Environment["Secrets__CheckpointSigningKey"] = checkpointKey.ExportPkcs8PrivateKeyPem();
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // info.Environment starts as a copy of the harness's own: rename the API-only variables in it.
        foreach (var (key, value) in info.Environment.Where(e => e.Key.StartsWith(ApiOnlyPrefix, StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
            info.Environment[key[ApiOnlyPrefix.Length..]] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start 'dotnet'.");
        var api = new ApiProcess(process, new Uri($"http://127.0.0.1:{port}/"), dll);
        process.OutputDataReceived += (_, e) => api.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => api.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => api.Kill();
        Console.CancelKeyPress += (_, _) => api.Kill();

        try
        {
            await api.WaitForHealthAsync(timeout);
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"The API process {process.Id} did not exit within 15 s of being killed.");
        }

        process.Dispose();
    }

    /// <summary>The last lines the API wrote (stdout and stderr), for error messages.</summary>
    public string Tail()
    {
        lock (lastLines)
        {
            return string.Join(Environment.NewLine, lastLines);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lastLines)
        {
            lastLines.Enqueue(line);
            while (lastLines.Count > KeptLines)
            {
                lastLines.Dequeue();
            }
        }
    }

    /// <summary>SIGKILL: the process ends at once, mid-request, with no shutdown of any kind.</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task WaitForHealthAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (watch.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The API process exited with code {process.ExitCode} before it was healthy.{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException(
            $"GET /health did not answer 200 within {timeout.TotalSeconds:0} s (last: {last}).{Environment.NewLine}{Tail()}");
    }

    /// <summary>
    /// The API's dll: the copy the project reference puts beside the benchmarks (runnable when its
    /// .deps.json and .runtimeconfig.json came with it), else the API project's own Release build.
    /// </summary>
    private static string FindApiDll()
    {
        var copy = typeof(Fieldwork.Api.Hosting.LocalPostgres).Assembly.Location;
        if (Runnable(copy))
        {
            return copy;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var built = Path.Combine(dir.FullName, "src", "Fieldwork.Api", "bin", "Release", "net10.0", "Fieldwork.Api.dll");
            if (Runnable(built))
            {
                return built;
            }
        }

        throw new InvalidOperationException(
            $"Found no runnable Fieldwork.Api.dll (beside the benchmarks: '{copy}', nor under src/Fieldwork.Api/bin/Release/net10.0). " +
            "Run 'dotnet build src/Fieldwork.Api -c Release' first.");
    }

    private static bool Runnable(string dll) =>
        dll.Length > 0 && File.Exists(dll)
        && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"))
        && File.Exists(Path.ChangeExtension(dll, ".deps.json"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
