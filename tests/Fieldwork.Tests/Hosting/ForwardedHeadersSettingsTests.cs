using System.Net;
using Fieldwork.Api.Hosting;

namespace Fieldwork.Tests.Hosting;

public sealed class ForwardedHeadersSettingsTests
{
    [Fact]
    public void nothing_configured_trusts_no_proxy_not_even_loopback()
    {
        var settings = ForwardedHeadersSettings.Parse(null, " ");
        Assert.False(settings.TrustsAnyProxy);
        Assert.Empty(settings.KnownProxies);
        Assert.Empty(settings.KnownNetworks);
    }

    [Fact]
    public void lists_are_comma_separated_addresses_and_cidr_networks()
    {
        var settings = ForwardedHeadersSettings.Parse("10.0.0.5, 2001:db8::1,", "192.168.0.0/16 ,fd00::/8");
        Assert.True(settings.TrustsAnyProxy);
        Assert.Equal([IPAddress.Parse("10.0.0.5"), IPAddress.Parse("2001:db8::1")], settings.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("192.168.0.0/16"), System.Net.IPNetwork.Parse("fd00::/8")], settings.KnownNetworks);

        var options = settings.Options();
        Assert.Equal(Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor, options.ForwardedHeaders);
        Assert.Equal(settings.KnownProxies, options.KnownProxies);
        Assert.Equal(settings.KnownNetworks, options.KnownIPNetworks);
        Assert.Null(options.ForwardLimit);
    }

    [Theory]
    [InlineData("proxy.internal", null, "ForwardedHeaders:KnownProxies: 'proxy.internal'")]
    [InlineData(null, "10.0.0.1", "ForwardedHeaders:KnownNetworks: '10.0.0.1'")]
    [InlineData(null, "10.0.0.0/40", "ForwardedHeaders:KnownNetworks: '10.0.0.0/40'")]
    public void anything_else_stops_start_up_saying_what(string? proxies, string? networks, string message)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => ForwardedHeadersSettings.Parse(proxies, networks));
        Assert.StartsWith(message, failure.Message, StringComparison.Ordinal);
    }
}
