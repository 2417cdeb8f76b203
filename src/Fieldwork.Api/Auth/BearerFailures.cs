using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Api.Auth;

/// <summary>The identity provider's discovery document or keys could not be fetched, so no token can be checked.</summary>
public sealed class IdentityProviderUnavailableException(Exception failure)
    : SecurityTokenException("The identity provider's keys could not be fetched.", failure);

/// <summary>
/// Why a token failed, in the terms a client can act on, for <see cref="BearerChallenge"/>: the
/// handler's own report can mislead. A token whose <c>alg</c> is outside the pinned ones fails
/// for that (<see cref="BearerChallenge.Reclassify"/>); with an identity provider that cannot
/// be reached, every token fails for want of keys, which the handler reports as a wrong issuer
/// or an unknown key, so that is said instead, and logged as a warning (at most once a minute)
/// for the operator. The token itself is never logged.
/// </summary>
public static class BearerFailures
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);
    private static long lastWarning = long.MinValue;

    public static async Task ExplainAsync(AuthenticationFailedContext context, AuthSettings settings)
    {
        var failure = BearerChallenge.Reclassify(context.Exception, context.Request.Headers.Authorization, settings);
        if (failure is not SecurityTokenInvalidAlgorithmException && settings.Authority is not null && context.Options.ConfigurationManager is { } manager)
        {
            try
            {
                // Cached, this answers at once; otherwise it is one more attempt to fetch, cut short.
                using var soon = CancellationTokenSource.CreateLinkedTokenSource(context.HttpContext.RequestAborted);
                soon.CancelAfter(TimeSpan.FromSeconds(5));
                await manager.GetConfigurationAsync(soon.Token);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or HttpRequestException or IOException)
            {
                Warn(context, settings, e);
                failure = new IdentityProviderUnavailableException(failure);
            }
        }

        context.Exception = failure;
    }

    private static void Warn(AuthenticationFailedContext context, AuthSettings settings, Exception reason)
    {
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref lastWarning);
        if (now - last < WarningInterval.Ticks || Interlocked.CompareExchange(ref lastWarning, now, last) != last)
        {
            return;
        }

        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BearerFailures).FullName!).LogWarning(
            "The identity provider at {Authority} could not be reached for its discovery document or keys ({Reason}): every token is refused until it answers.",
            settings.Authority?.OriginalString, reason.InnerException?.Message ?? reason.Message);
    }
}
