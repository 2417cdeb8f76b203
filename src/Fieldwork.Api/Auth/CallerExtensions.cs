using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Fieldwork.Api.Auth;

public static class CallerExtensions
{
    /// <summary>The caller's user id: the token's <c>sub</c>.</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub)
        ?? throw new InvalidOperationException("An authenticated request carries no 'sub' claim.");
}
