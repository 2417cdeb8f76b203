using System.Security.Claims;

namespace Fieldwork.Api.Auth;

public static class CallerExtensions
{
    /// <summary>
    /// The caller's user id: the claim named by Auth:UserIdClaim (<c>sub</c> unless configured),
    /// which the bearer handler makes the identity's name claim. A token without it never
    /// authenticates (see <see cref="BearerChallenge"/>).
    /// </summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.Identity is ClaimsIdentity { Name: { } name } && !string.IsNullOrWhiteSpace(name)
            ? name
            : throw new InvalidOperationException("An authenticated request carries no user id claim.");
}
