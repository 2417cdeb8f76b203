using System.Text;
using Fieldwork.Api.Auth;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Tests.Hosting;

public sealed class BearerChallengeTests
{
    private static readonly AuthSettings Settings =
        new("fieldwork", "fieldwork-api", new SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 32))));

    [Fact]
    public void no_token_is_a_bare_challenge()
    {
        Assert.Null(BearerChallenge.Describe(null, Settings));
        Assert.Equal("Bearer", BearerChallenge.Header(null));
        Assert.Equal("A bearer token is required.", BearerChallenge.Detail(null));
    }

    [Fact]
    public void each_failure_has_its_own_description()
    {
        var expires = new DateTime(2024, 5, 1, 12, 30, 0, DateTimeKind.Utc);
        string?[] descriptions =
        [
            BearerChallenge.Describe(new SecurityTokenExpiredException("IDX10223") { Expires = expires }, Settings),
            BearerChallenge.Describe(new SecurityTokenNotYetValidException("IDX10222") { NotBefore = expires }, Settings),
            BearerChallenge.Describe(new SecurityTokenNoExpirationException("IDX10225"), Settings),
            BearerChallenge.Describe(new SecurityTokenInvalidSignatureException("IDX10511"), Settings),
            BearerChallenge.Describe(new SecurityTokenSignatureKeyNotFoundException("IDX10503"), Settings),
            BearerChallenge.Describe(new SecurityTokenInvalidIssuerException("IDX10205"), Settings),
            BearerChallenge.Describe(new SecurityTokenInvalidAudienceException("IDX10214"), Settings),
            BearerChallenge.Describe(new SecurityTokenMalformedException("IDX14100"), Settings),
            BearerChallenge.Describe(new UserIdClaimMissingException("oid"), Settings),
            BearerChallenge.Describe(new SecurityTokenException("something else"), Settings),
        ];

        Assert.Equal<IEnumerable<string?>>(
        [
            "The token expired at 2024-05-01T12:30:00Z.",
            "The token is not valid before 2024-05-01T12:30:00Z.",
            "The token has no expiry time (exp).",
            "The token's signature is not valid: it was not signed with this API's key.",
            "The token's signature is not valid: it was not signed with this API's key.",
            "The token's issuer (iss) is not fieldwork.",
            "The token's audience (aud) is not fieldwork-api.",
            "The token is malformed: it is not a signed JWT.",
            "The token carries no 'oid' claim, which holds the user id.",
            "The token is not valid.",
        ], descriptions);
    }

    [Fact]
    public void several_failures_are_described_by_the_first()
    {
        var failure = new AggregateException(new SecurityTokenInvalidAudienceException("a"), new SecurityTokenMalformedException("b"));
        Assert.Equal("The token's audience (aud) is not fieldwork-api.", BearerChallenge.Describe(failure, Settings));
    }

    [Fact]
    public void the_header_names_the_error_and_quotes_only_what_rfc_6750_allows()
    {
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"The token has no expiry time (exp).\"",
            BearerChallenge.Header("The token has no expiry time (exp)."));
        // A configured issuer could hold anything: quotes, backslashes, line breaks, non-ASCII.
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"a?b?c??d?\"", BearerChallenge.Header("a\"b\\c\r\nd\u00e9"));
        Assert.Equal("The token has no expiry time (exp).", BearerChallenge.Detail("The token has no expiry time (exp)."));
    }
}
