using Fieldwork.Web.Api;
using Fieldwork.Web.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Web;

/// <summary>How a host serves the UI: these two calls, and the UI's Content-Security-Policy.</summary>
public static class FieldworkWeb
{
    /// <summary>
    /// The UI's policy: scripts, styles, images and connections (the circuit's WebSocket) from
    /// this host only, nothing inline, no plugins, no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddFieldworkWeb(this IServiceCollection services, Action<FieldworkWebOptions> configure)
    {
        services.Configure(configure);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddSingleton<ApiAddress>();
        services.AddScoped<UserSession>();
        services.AddHttpClient<FieldworkApi>((provider, http) => http.BaseAddress = provider.GetRequiredService<ApiAddress>().BaseAddress);
        return services;
    }

    /// <summary>
    /// The pages, the circuit's hub and the static files, open to anyone (the data behind them
    /// needs a token: the API's) and outside the anonymous rate limit, which is for the API.
    /// </summary>
    public static void MapFieldworkWeb(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous().DisableRateLimiting();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .AllowAnonymous()
            .DisableRateLimiting();
    }

    /// <summary>Whether a request is the UI's (not the API's, its reference or its health check).</summary>
    public static bool IsUi(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/reference") && !path.StartsWithSegments("/openapi")
        && !path.StartsWithSegments("/health");
}
