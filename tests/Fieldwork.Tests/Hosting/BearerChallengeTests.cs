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

    [Fact]
    public void with_an_identity_provider_the_words_name_the_provider_and_its_algorithms()
    {
        var provider = new AuthSettings(null, "fieldwork-api", null) { Authority = new Uri("https://login.example.org/realms/fw") };
        Assert.Equal("The token's signature is not valid: it was not signed with a key of the identity provider.",
            BearerChallenge.Describe(new SecurityTokenInvalidSignatureException("IDX10511"), provider));
        Assert.Equal("The token's issuer (iss) is not the one https://login.example.org/realms/fw announces.",
            BearerChallenge.Describe(new SecurityTokenInvalidIssuerException("IDX10205"), provider));
        Assert.Equal("The token's issuer (iss) is not https://login.example.org/v2.",
            BearerChallenge.Describe(new SecurityTokenInvalidIssuerException("IDX10205"), provider with { Issuer = "https://login.example.org/v2" }));
        Assert.Equal("The token's algorithm (alg) is not one this API accepts (RS256, ES256).",
            BearerChallenge.Describe(new SecurityTokenInvalidAlgorithmException("IDX10696"), provider));
        Assert.Equal("The token's algorithm (alg) is not one this API accepts (HS256).",
            BearerChallenge.Describe(new SecurityTokenInvalidAlgorithmException("IDX10696"), Settings));
        Assert.Equal("The identity provider's keys could not be fetched, so the token could not be checked; try again later.",
            BearerChallenge.Describe(new IdentityProviderUnavailableException(new SecurityTokenInvalidIssuerException("IDX10204")), provider));
    }

    [Fact]
    public void a_failed_token_outside_the_pinned_algorithms_fails_for_its_algorithm()
    {
        static string Header(string alg) =>
            "Bearer " + Base64UrlEncoder.Encode($$"""{"alg":"{{alg}}","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode("{}") + ".c2ln";

        var signature = new SecurityTokenInvalidSignatureException("IDX10511");
        Assert.IsType<SecurityTokenInvalidAlgorithmException>(BearerChallenge.Reclassify(signature, Header("RS256"), Settings));
        Assert.IsType<SecurityTokenInvalidAlgorithmException>(BearerChallenge.Reclassify(signature, Header("none"), Settings));
        Assert.Same(signature, BearerChallenge.Reclassify(signature, Header("HS256"), Settings));
        Assert.Same(signature, BearerChallenge.Reclassify(signature, "Bearer garbage", Settings));
        Assert.Same(signature, BearerChallenge.Reclassify(signature, "Basic abc", Settings));
        Assert.Same(signature, BearerChallenge.Reclassify(signature, null, Settings));
    }
}
