using System.Security.Cryptography;
using System.Text;
using Fieldwork.Api.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Api.Auth;

/// <summary>
/// Issuer, audience and signing key for bearer tokens (Auth:Issuer, Auth:Audience,
/// Auth:SigningKey), and the claim that holds the user id (Auth:UserIdClaim: <c>sub</c>, or what
/// the identity provider puts it in, say <c>oid</c> or <c>preferred_username</c>), so that a real
/// identity provider can replace the development key.
/// In Development with no key configured, the run command and the token verb share a
/// generated key kept in the git-ignored local state folder.
/// </summary>
public sealed record AuthSettings(string Issuer, string Audience, SymmetricSecurityKey Key, string UserIdClaim = AuthSettings.DefaultUserIdClaim)
{
    public const string DefaultIssuer = "fieldwork";
    public const string DefaultAudience = "fieldwork";
    public const string DefaultUserIdClaim = "sub";

    public static AuthSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var issuer = configuration["Auth:Issuer"] is { Length: > 0 } i ? i : DefaultIssuer;
        var audience = configuration["Auth:Audience"] is { Length: > 0 } a ? a : DefaultAudience;
        var userIdClaim = configuration["Auth:UserIdClaim"] is { } c && !string.IsNullOrWhiteSpace(c) ? c.Trim() : DefaultUserIdClaim;
        var key = configuration["Auth:SigningKey"];
        if (string.IsNullOrWhiteSpace(key))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Auth:SigningKey is not configured. Outside Development, set Auth__SigningKey to a secret of at least " +
                    "32 bytes (and Auth__Issuer / Auth__Audience to match your identity provider).");
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

    /// <summary>Development only: a key generated once into the local state folder, readable by its owner alone.</summary>
    private static string DevelopmentKey() =>
        LocalState.Secret(Path.Combine(LocalState.Directory, "dev-signing-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
}
