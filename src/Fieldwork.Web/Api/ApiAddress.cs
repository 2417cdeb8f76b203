using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Fieldwork.Web.Api;

/// <summary>
/// The address the UI's components call the API at: the host's own, over loopback, so that the
/// UI goes through exactly the checks any other client meets (token, membership, role, validation).
/// </summary>
public sealed class ApiAddress(IServer server, IOptions<FieldworkWebOptions> options)
{
    private Uri? resolved;

    public Uri BaseAddress => resolved ??= options.Value.ApiBaseAddress ?? FromServer();

    private Uri FromServer()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        // Plain http on loopback where there is a choice: no certificate to trust for a call to itself.
        var chosen = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 1 : 0).FirstOrDefault()
            ?? throw new InvalidOperationException("The host listens on no address the UI could call the API at; set Web:ApiBaseAddress.");
        return Loopback(chosen);
    }

    /// <summary>A listening address as a URL to call: a wildcard host (+, *, 0.0.0.0, [::]) becomes loopback.</summary>
    public static Uri Loopback(string address)
    {
        var separator = address.IndexOf("://", StringComparison.Ordinal);
        var scheme = address[..separator];
        var rest = address[(separator + 3)..];
        var hostEnd = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOfAny([':', '/']);
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        var tail = hostEnd < 0 ? "" : rest[hostEnd..];
        host = host switch
        {
            "+" or "*" or "0.0.0.0" => "127.0.0.1",
            "[::]" => "[::1]",
            _ => host,
        };
        var port = tail.StartsWith(':') ? tail[1..].Split('/')[0] : "";
        return new Uri($"{scheme}://{host}{(port.Length > 0 ? ":" + port : "")}/");
    }
}
