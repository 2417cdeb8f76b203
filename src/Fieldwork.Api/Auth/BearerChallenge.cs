using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Api.Auth;

/// <summary>A validly signed token that carries no user id in the configured claim.</summary>
public sealed class UserIdClaimMissingException(string claim)
    : SecurityTokenValidationException($"The token carries no '{claim}' claim, which holds the user id.")
{
    public string Claim { get; } = claim;
}

/// <summary>
/// The words of a 401 (RFC 6750 section 3): no token at all is a bare <c>Bearer</c> challenge; a
/// token that does not validate is <c>error="invalid_token"</c> with a description that says
/// what is wrong with it, and the problem body's detail says the same.
/// </summary>
public static class BearerChallenge
{
    public const string NoToken = "A bearer token is required.";

    /// <summary>
    /// What is wrong with a presented token, from the failure its validation reported (null: no
    /// token was presented). It never repeats what the token says beyond its dates.
    /// </summary>
    public static string? Describe(Exception? failure, AuthSettings settings) => failure switch
    {
        null => null,
        AggregateException { InnerExceptions.Count: > 0 } many => Describe(many.InnerExceptions[0], settings),
        UserIdClaimMissingException missing => missing.Message,
        IdentityProviderUnavailableException => "The identity provider's keys could not be fetched, so the token could not be checked; try again later.",
        SecurityTokenExpiredException expired => $"The token expired at {Instant(expired.Expires)}.",
        SecurityTokenNotYetValidException early => $"The token is not valid before {Instant(early.NotBefore)}.",
        SecurityTokenNoExpirationException => "The token has no expiry time (exp).",
        SecurityTokenInvalidAlgorithmException => $"The token's algorithm (alg) is not one this API accepts ({string.Join(", ", settings.Algorithms)}).",
        SecurityTokenInvalidSignatureException => settings.Authority is null
            ? "The token's signature is not valid: it was not signed with this API's key."
            : "The token's signature is not valid: it was not signed with a key of the identity provider.",
        SecurityTokenInvalidIssuerException => $"The token's issuer (iss) is not {settings.Issuer ?? $"the one {settings.Authority?.OriginalString} announces"}.",
        SecurityTokenInvalidAudienceException => $"The token's audience (aud) is not {settings.Audience}.",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed: it is not a signed JWT.",
        _ => "The token is not valid.",
    };

    /// <summary>
    /// A failed token whose <c>alg</c> is not one of the pinned algorithms fails for that reason,
    /// whatever else the handler found (it reports such a token as badly signed, or as naming no
    /// key it knows): the validation already refused it; this only says why. The header is read
    /// from the Authorization value, never logged or repeated.
    /// </summary>
    public static Exception Reclassify(Exception failure, string? authorization, AuthSettings settings)
    {
        const string scheme = "Bearer ";
        if (failure is SecurityTokenInvalidAlgorithmException
            || authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return failure;
        }

        string algorithm;
        try
        {
            algorithm = new JsonWebToken(authorization[scheme.Length..].Trim()).Alg ?? "";
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return failure;
        }

        return settings.Algorithms.Contains(algorithm, StringComparer.Ordinal)
            ? failure
            : new SecurityTokenInvalidAlgorithmException("The token's alg is not one of Auth's pinned algorithms.", failure);
    }

    /// <summary>The WWW-Authenticate value for a description from <see cref="Describe"/>.</summary>
    public static string Header(string? description) =>
        description is null ? "Bearer" : $"Bearer error=\"invalid_token\", error_description=\"{QuotedText(description)}\"";

    /// <summary>The problem detail for a description from <see cref="Describe"/>.</summary>
    public static string Detail(string? description) => description ?? NoToken;

    private static string Instant(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Only the characters RFC 6750 allows in error_description (printable ASCII but '"' and '\').</summary>
    private static string QuotedText(string text)
    {
        var quoted = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            quoted.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '?');
        }

        return quoted.ToString();
    }
}
