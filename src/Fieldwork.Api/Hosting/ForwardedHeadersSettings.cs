using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Fieldwork.Api.Hosting;

/// <summary>
/// The reverse proxies whose X-Forwarded-For the API believes: ForwardedHeaders:KnownProxies
/// (comma-separated addresses) and ForwardedHeaders:KnownNetworks (comma-separated CIDR ranges).
/// By default none, not even loopback: the header is then ignored from everyone, and the client is
/// the address the connection came from. (ASP.NET Core's own default trusts loopback; an SSH
/// tunnel or any local process would then choose its own client address.)
/// </summary>
public sealed record ForwardedHeadersSettings(IReadOnlyList<IPAddress> KnownProxies, IReadOnlyList<IPNetwork> KnownNetworks)
{
    public bool TrustsAnyProxy => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public static ForwardedHeadersSettings From(IConfiguration configuration) =>
        Parse(configuration["ForwardedHeaders:KnownProxies"], configuration["ForwardedHeaders:KnownNetworks"]);

    /// <summary>Reads the two lists; anything that is not an address (or a network) stops start-up with a message saying which.</summary>
    public static ForwardedHeadersSettings Parse(string? knownProxies, string? knownNetworks) => new(
        [.. Items(knownProxies).Select(item => IPAddress.TryParse(item, out var address)
            ? address
            : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{item}' is not an IP address."))],
        [.. Items(knownNetworks).Select(item => item.Contains('/') && IPNetwork.TryParse(item, out var network)
            ? network
            : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{item}' is not a network in CIDR notation (10.0.0.0/8)."))]);

    /// <summary>
    /// Options for ASP.NET Core's forwarded-headers middleware: X-Forwarded-For only, from these
    /// proxies only. The client is the nearest address of the header's chain that is not itself a
    /// trusted proxy, so a chain of trusted proxies works and a client cannot prepend addresses.
    /// </summary>
    public ForwardedHeadersOptions Options()
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        // The middleware trusts everyone when both lists are empty: it is only used when one is not.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(proxy);
        }

        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(network);
        }

        return options;
    }

    private static IEnumerable<string> Items(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
