using Alba;

namespace Fieldwork.Tests.Infrastructure;

/// <summary>
/// A second API host, on the suite's database, for a test that needs settings of its own (a
/// small rate limit, trusted proxies, another user id claim). The API reads its settings while
/// it starts, from the environment as the suite's host did, so they are set for the start and
/// put back after it; the async daemon is left to the suite's host.
/// </summary>
public static class OwnHost
{
    public static async Task<IAlbaHost> StartAsync(params (string Name, string? Value)[] settings)
    {
        (string Name, string? Value)[] all = [("Fieldwork__AsyncDaemon", "false"), .. settings];
        var before = all.Select(s => (s.Name, Value: Environment.GetEnvironmentVariable(s.Name))).ToList();
        foreach (var (name, value) in all)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            return await AlbaHost.For<Program>();
        }
        finally
        {
            foreach (var (name, value) in before)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
