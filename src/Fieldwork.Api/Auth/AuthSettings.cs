using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fieldwork.Api.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Api.Auth;

/// <summary>
/// Which bearer tokens the API accepts, in one of two modes.
/// <para>
/// Identity provider (Auth:Authority set): tokens signed RS256 or ES256 with a key the provider
/// publishes (OpenID Connect discovery at {Auth:Authority}/.well-known/openid-configuration, its
/// JWKS), issued by the discovery document's issuer (or Auth:Issuer, if set), for Auth:Audience
/// (required). The API holds no secret that could mint a token.
/// </para>
/// <para>
/// Signing key (no Auth:Authority): tokens signed HS256 with Auth:SigningKey, for Development and
/// tests; whoever holds the key can mint tokens for anyone. In Development with no key
/// configured, the run command and the token verb share a generated key kept in the git-ignored
/// local state folder.
/// </para>
/// In both, Auth:UserIdClaim names the claim that holds the user id (<c>sub</c>, or what the
/// identity provider puts it in, say <c>oid</c> or <c>preferred_username</c>). Setting both
/// Auth:Authority and Auth:SigningKey stops start-up.
/// </summary>
public sealed record AuthSettings(string? Issuer, string Audience, SymmetricSecurityKey? Key, string UserIdClaim = AuthSettings.DefaultUserIdClaim)
{
    public const string DefaultIssuer = "fieldwork";
    public const string DefaultAudience = "fieldwork";
    public const string DefaultUserIdClaim = "sub";

    /// <summary>The identity provider whose discovery document and keys the API trusts; null in signing key mode.</summary>
    public Uri? Authority { get; init; }

    /// <summary>Whether the discovery document and keys must come over https (Auth:RequireHttpsMetadata, true unless relaxed for a local provider).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>
    /// The only signing algorithms a token may name in its <c>alg</c>: HS256 with the signing key;
    /// RS256 and ES256 with an identity provider, so that an HMAC "signed" with the provider's
    /// public key is refused before any key is tried. <c>none</c> is never accepted.
    /// </summary>
    public IReadOnlyList<string> Algorithms => Authority is null
        ? [SecurityAlgorithms.HmacSha256]
        : [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    /// <summary>One line for the start-up summary: the mode and what a token must be.</summary>
    public string Describe() => Authority is null
        ? $"signed with Auth:SigningKey ({string.Join(", ", Algorithms)}), issuer {Issuer}, audience {Audience}, user id in '{UserIdClaim}'"
        : $"from the identity provider {Authority.OriginalString} ({string.Join(", ", Algorithms)}), " +
          $"issuer {Issuer ?? "as its discovery document says"}, audience {Audience}, user id in '{UserIdClaim}'" +
          (RequireHttpsMetadata ? "" : "; keys fetched without https requirement (Auth:RequireHttpsMetadata=false)");

    public static AuthSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var userIdClaim = configuration["Auth:UserIdClaim"] is { } c && !string.IsNullOrWhiteSpace(c) ? c.Trim() : DefaultUserIdClaim;
        var key = configuration["Auth:SigningKey"];
        if (configuration["Auth:Authority"] is { } authority && !string.IsNullOrWhiteSpace(authority))
        {
            if (!string.IsNullOrWhiteSpace(key))
            {
                throw new InvalidOperationException(
                    "Auth:Authority and Auth:SigningKey are both set. With an identity provider the API accepts only the provider's " +
                    "tokens (RS256 or ES256), never tokens signed with a shared key: remove Auth:SigningKey (anyone holding it could mint tokens).");
            }

            return FromAuthority(authority.Trim(), configuration, environment, userIdClaim);
        }

        var issuer = configuration["Auth:Issuer"] is { Length: > 0 } i ? i : DefaultIssuer;
        var audience = configuration["Auth:Audience"] is { Length: > 0 } a ? a : DefaultAudience;
        if (string.IsNullOrWhiteSpace(key))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Neither Auth:Authority nor Auth:SigningKey is configured. Outside Development, set Auth__Authority to your " +
                    "OpenID Connect identity provider (with Auth__Audience), or Auth__SigningKey to a secret of at least 32 bytes.");
            }

            key = DevelopmentKey();
        }

        var bytes = Encoding.UTF8.GetBytes(key);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes long.");
        }

        return new AuthSettings(issuer, audience, new SymmetricSecurityKey(bytes), userIdClaim);
    }

    private static AuthSettings FromAuthority(string authority, IConfiguration configuration, IHostEnvironment environment, string userIdClaim)
    {
        // The value is not repeated in the messages: a URL may carry a password.
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new InvalidOperationException(
                "Auth:Authority must be the https URL of an OpenID Connect identity provider, such as " +
                "https://login.example.org/realms/fieldwork, without a query or credentials " +
                "(its discovery document is read from {Auth:Authority}/.well-known/openid-configuration).");
        }

        if (configuration["Auth:Audience"] is not { } audience || string.IsNullOrWhiteSpace(audience))
        {
            throw new InvalidOperationException(
                "Auth:Audience is required with Auth:Authority: set it to the audience (aud) your identity provider puts in " +
                "tokens for this API (often the API's client id or identifier URI).");
        }

        var requireHttps = true;
        if (configuration["Auth:RequireHttpsMetadata"] is { } relax && !string.IsNullOrWhiteSpace(relax) && !bool.TryParse(relax, out requireHttps))
        {
            throw new InvalidOperationException("Auth:RequireHttpsMetadata must be true or false.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (requireHttps)
            {
                throw new InvalidOperationException(
                    "Auth:Authority is an http URL: the identity provider's keys would be fetched without TLS, and anyone on the way " +
                    "could substitute their own. Use https, or for a provider on this machine set Auth:RequireHttpsMetadata=false.");
            }

            if (!environment.IsDevelopment() && !IsLoopback(uri))
            {
                throw new InvalidOperationException(
                    "Auth:RequireHttpsMetadata=false is accepted only in Development or for a provider on this machine " +
                    "(localhost, 127.0.0.1, ::1): elsewhere, serve the identity provider over https.");
            }
        }

        var issuer = configuration["Auth:Issuer"] is { } i && !string.IsNullOrWhiteSpace(i) ? i.Trim() : null;
        return new AuthSettings(issuer, audience.Trim(), null, userIdClaim) { Authority = uri, RequireHttpsMetadata = requireHttps };
    }

    /// <summary>
    /// The bearer handler's settings for this mode. With an identity provider, the handler's own
    /// OpenID Connect configuration manager reads the discovery document and the JWKS (cached,
    /// refreshed periodically and when a token names an unknown key).
    /// </summary>
    public void Apply(JwtBearerOptions options)
    {
        options.MapInboundClaims = false;
        var parameters = new TokenValidationParameters
        {
            ValidAudience = Audience,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            // The user id claim becomes the identity's name, which is where CallerExtensions.UserId reads it.
            NameClaimType = UserIdClaim,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        if (Authority is null)
        {
            parameters.ValidIssuer = Issuer;
            parameters.IssuerSigningKey = Key;
        }
        else
        {
            options.Authority = Authority.OriginalString;
            options.RequireHttpsMetadata = RequireHttpsMetadata;
            if (Issuer is { } pinned)
            {
                // Otherwise the discovery document's issuer is the valid one; a configured issuer replaces it rather than joining it.
                parameters.IssuerValidator = (issuer, _, _) => string.Equals(issuer, pinned, StringComparison.Ordinal)
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException("The token's issuer is not Auth:Issuer.") { InvalidIssuer = issuer };
            }
        }

        options.TokenValidationParameters = parameters;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Development only: a key generated once into the local state folder, readable by its owner alone.</summary>
    private static string DevelopmentKey() =>
        LocalState.Secret(Path.Combine(LocalState.Directory, "dev-signing-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
}
