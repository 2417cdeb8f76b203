namespace Fieldwork.Api.Hosting;

/// <summary>
/// Headers a reviewer expects on every answer: no sniffing, no framing, no referrer, nothing
/// cached (answers may hold what participants said), and a content policy that allows nothing
/// for the JSON API (the browsable reference page keeps its own scripts; the web UI has its own
/// policy, and its static files are cached as they say).
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (Web.FieldworkWeb.IsUi(context.Request.Path))
            {
                // The web UI: its own files only, nothing inline. Its static files say how long
                // they keep (fingerprinted ones for a year); pages and everything else are not kept.
                headers.ContentSecurityPolicy = Web.FieldworkWeb.ContentSecurityPolicy;
                if (string.IsNullOrEmpty(headers.CacheControl))
                {
                    headers.CacheControl = "no-store";
                }
            }
            else if (!context.Request.Path.StartsWithSegments("/reference"))
            {
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
