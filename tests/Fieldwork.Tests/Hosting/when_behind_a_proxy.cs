using System.Net;
using Alba;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Hosting;

/// <summary>
/// Behind a reverse proxy every connection comes from the proxy. The anonymous rate limit keys on
/// the client the configured proxies name in X-Forwarded-For, and on the connection's own address
/// when the header comes from anyone else, or when no proxy is configured.
/// </summary>
public sealed class when_behind_a_proxy(AppFixture app) : ApiTest(app)
{
    private const string Proxy = "10.0.0.5";

    /// <summary>The status of an anonymous request arriving from <paramref name="from"/>, with an X-Forwarded-For if given.</summary>
    private static async Task<int> AnonymousAsync(IAlbaHost host, string from, string? forwardedFor)
    {
        var context = await host.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/api/evaluations";
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
            if (forwardedFor is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
        return context.Response.StatusCode;
    }

    /// <summary>The statuses of anonymous requests from <paramref name="from"/>, one per X-Forwarded-For, in turn.</summary>
    private static async Task<int[]> InTurnAsync(IAlbaHost host, string from, params string[] forwardedFor)
    {
        var statuses = new List<int>();
        foreach (var header in forwardedFor)
        {
            statuses.Add(await AnonymousAsync(host, from, header));
        }

        return [.. statuses];
    }

    [Fact]
    public async Task clients_behind_a_configured_proxy_get_limits_of_their_own()
    {
        await using var host = await OwnHost.StartAsync(
            ("RateLimiting__UnauthenticatedPerMinute", "2"),
            ("ForwardedHeaders__KnownProxies", Proxy),
            ("ForwardedHeaders__KnownNetworks", "172.16.0.0/12"));

        // Two clients through the one proxy: each has its own two requests a minute.
        Assert.Equal(new[] { 401, 401, 429 }, await InTurnAsync(host, Proxy, "203.0.113.1", "203.0.113.1", "203.0.113.1"));
        Assert.Equal(new[] { 401, 401, 429 }, await InTurnAsync(host, Proxy, "203.0.113.2", "203.0.113.2", "203.0.113.2"));

        // A proxy of a trusted network, in a chain behind the first: the client is the nearest untrusted address.
        Assert.Equal(429, await AnonymousAsync(host, Proxy, "203.0.113.1, 172.20.0.9"));
        Assert.Equal(401, await AnonymousAsync(host, "172.20.0.9", "203.0.113.3"));
        // A client cannot pretend to be another by prepending an address: the proxy appends the real one.
        Assert.Equal(429, await AnonymousAsync(host, Proxy, "198.51.100.77, 203.0.113.2"));

        // The header from anyone but a trusted proxy is ignored: the connection's address is the client.
        Assert.Equal(401, await AnonymousAsync(host, "192.0.2.10", "203.0.113.50"));
        Assert.Equal(401, await AnonymousAsync(host, "192.0.2.10", "203.0.113.51"));
        Assert.Equal(429, await AnonymousAsync(host, "192.0.2.10", "203.0.113.52"));
    }

    [Fact]
    public async Task with_no_proxy_configured_the_header_is_ignored()
    {
        await using var host = await OwnHost.StartAsync(("RateLimiting__UnauthenticatedPerMinute", "2"));

        // Not even from loopback, which ASP.NET Core would trust by default.
        foreach (var from in new[] { Proxy, "127.0.0.1" })
        {
            Assert.Equal(new[] { 401, 401, 429 }, await InTurnAsync(host, from, "203.0.113.1", "203.0.113.2", "203.0.113.3"));
        }
    }
}
