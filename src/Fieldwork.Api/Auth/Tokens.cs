using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Api.Auth;

/// <summary>
/// Mints development tokens: HS256, the user id in the configured claim (<c>sub</c> unless
/// Auth:UserIdClaim says otherwise). Only in signing key mode: with an identity provider
/// (Auth:Authority) the API holds no key that could mint a token.
/// </summary>
public static class Tokens
{
    public static string Mint(AuthSettings settings, string userId, TimeProvider clock, TimeSpan? lifetime = null)
    {
        var key = settings.Key ?? throw new InvalidOperationException(
            "Auth:Authority is set: tokens come from the identity provider, and this API cannot mint any (the token verb works only with Auth:SigningKey).");
        var now = clock.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity([new Claim(settings.UserIdClaim, userId)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromDays(1)),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
