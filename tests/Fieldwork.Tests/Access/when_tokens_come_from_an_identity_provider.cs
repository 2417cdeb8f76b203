using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alba;
using Fieldwork.Api.Auth;
using Fieldwork.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Tests.Access;

/// <summary>
/// With Auth:Authority, the API trusts an OpenID Connect provider: it reads the discovery
/// document and the keys the provider publishes, accepts RS256 and ES256 tokens signed with
/// them for the configured audience, and refuses anything else, above all tokens that anyone
/// holding only public material could make (an HMAC keyed with the public key, alg none).
/// Without it, the signing key mode accepts HS256 alone.
/// </summary>
public sealed class when_tokens_come_from_an_identity_provider(AppFixture app) : ApiTest(app)
{
    private const string Audience = "fieldwork-api";

    private static Task<IAlbaHost> StartWithAsync(TestIdentityProvider provider, params (string Name, string? Value)[] more) =>
        OwnHost.StartAsync([
            ("Auth__Authority", provider.Authority),
            ("Auth__Audience", Audience),
            // The test provider is plain http on 127.0.0.1.
            ("Auth__RequireHttpsMetadata", "false"),
            ("Auth__SigningKey", null),
            .. more,
        ]);

    private static async Task<Reply> SendAsync(HttpClient client, HttpMethod method, string url, string token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);
        return new Reply(response.StatusCode, response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The 401 for a token: its problem detail, which the WWW-Authenticate error_description repeats.</summary>
    private static async Task<string> RefusedAsync(HttpClient client, string token, string url = "/api/evaluations")
    {
        var reply = (await SendAsync(client, HttpMethod.Get, url, token)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(reply.Response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        var detail = reply.Json["detail"]!.GetValue<string>();
        Assert.Equal($"error=\"invalid_token\", error_description=\"{detail}\"", challenge.Parameter);
        return detail;
    }

    /// <summary>A JWT signed by hand: HMAC-SHA256 keyed with <paramref name="secret"/>, or no signature at all for <c>none</c>.</summary>
    private static string HandMade(string alg, string kid, object payload, byte[]? secret = null)
    {
        var header = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg, typ = "JWT", kid }));
        var body = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = secret is null ? "" : Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"{header}.{body}")));
        return $"{header}.{body}.{signature}";
    }

    [Fact]
    public async Task the_providers_rs256_and_es256_tokens_are_accepted_and_no_others()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartWithAsync(provider);
        var settings = host.Services.GetRequiredService<AuthSettings>();
        Assert.Null(settings.Key);
        Assert.Equal(["RS256", "ES256"], settings.Algorithms);
        using var client = AppFixture.ClientOf(host, App.Contract);

        // An RS256 token creates an evaluation (its holder leads it) and adds a fieldworker, whose
        // ES256 token reads it: both are members, known by the sub the provider put in them.
        var lead = NewUser("lead");
        var fieldworker = NewUser("fieldworker");
        var leadToken = provider.Token(lead, Audience, provider.Rs256);
        var created = (await SendAsync(client, HttpMethod.Post, "/api/evaluations", leadToken,
            """{ "name": "Via the identity provider", "startsOn": "2018-01-01" }""")).ShouldBe(HttpStatusCode.Created);
        var evaluation = created.Json["id"]!.GetValue<Guid>();
        (await SendAsync(client, HttpMethod.Post, $"/api/evaluations/{evaluation}/members", leadToken,
            JsonSerializer.Serialize(new { userId = fieldworker, role = "fieldworker" }))).ShouldBe(HttpStatusCode.OK);
        var read = (await SendAsync(client, HttpMethod.Get, $"/api/evaluations/{evaluation}",
            provider.Token(fieldworker, Audience, provider.Es256))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("Via the identity provider", read.Json["name"]!.GetValue<string>());
        (await SendAsync(client, HttpMethod.Get, $"/api/evaluations/{evaluation}", leadToken)).ShouldBe(HttpStatusCode.OK);
        Assert.True(provider.KeyRequests >= 1, "the API never fetched the provider's keys");

        var notSigned = "The token's signature is not valid: it was not signed with a key of the identity provider.";

        // Another key, whether it claims a kid the provider has or one it has not.
        using var otherRsa = RSA.Create(2048);
        Assert.Equal(notSigned, await RefusedAsync(client, provider.Token(lead, Audience,
            new SigningCredentials(new RsaSecurityKey(otherRsa) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256))));
        Assert.Equal(notSigned, await RefusedAsync(client, provider.Token(lead, Audience,
            new SigningCredentials(new RsaSecurityKey(otherRsa) { KeyId = "rsa-unknown" }, SecurityAlgorithms.RsaSha256))));
        using var otherEc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(notSigned, await RefusedAsync(client, provider.Token(lead, Audience,
            new SigningCredentials(new ECDsaSecurityKey(otherEc) { KeyId = "ec-1" }, SecurityAlgorithms.EcdsaSha256))));

        // Another key that carries its own public half in the header (jwk) or points to it (jku): keys come from the provider alone.
        var otherPublic = otherRsa.ExportParameters(false);
        var selfSigned = provider.Token(lead, Audience, new SigningCredentials(new RsaSecurityKey(otherRsa) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256),
            d => d.AdditionalHeaderClaims = new Dictionary<string, object>
            {
                ["jwk"] = new Dictionary<string, object> { ["kty"] = "RSA", ["kid"] = "rsa-1", ["n"] = Base64UrlEncoder.Encode(otherPublic.Modulus), ["e"] = Base64UrlEncoder.Encode(otherPublic.Exponent) },
                ["jku"] = "https://attacker.example/jwks",
            });
        Assert.Equal(notSigned, await RefusedAsync(client, selfSigned));

        // The provider's key, but another issuer or another audience.
        Assert.Equal($"The token's issuer (iss) is not the one {provider.Authority} announces.",
            await RefusedAsync(client, provider.Token(lead, Audience, provider.Rs256, d => d.Issuer = "https://elsewhere.example")));
        Assert.Equal($"The token's audience (aud) is not {Audience}.",
            await RefusedAsync(client, provider.Token(lead, "another-api", provider.Es256)));

        // Public material as an HMAC secret: the PEM text, the raw modulus, the JWKS's n; with and without the provider's kid.
        var rsaPublic = provider.Rsa.ExportParameters(false);
        byte[][] publicSecrets =
        [
            Encoding.ASCII.GetBytes(provider.Rsa.ExportSubjectPublicKeyInfoPem()),
            Encoding.ASCII.GetBytes(provider.Rsa.ExportSubjectPublicKeyInfoPem() + "\n"),
            rsaPublic.Modulus!,
            Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(rsaPublic.Modulus)),
            provider.Rsa.ExportSubjectPublicKeyInfo(),
        ];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new { iss = provider.Issuer, aud = Audience, sub = lead, iat = now, nbf = now, exp = now + 3600 };
        var wrongAlgorithm = "The token's algorithm (alg) is not one this API accepts (RS256, ES256).";
        foreach (var secret in publicSecrets)
        {
            foreach (var kid in new[] { "rsa-1", "none-such" })
            {
                var forged = HandMade("HS256", kid, claims, secret);
                Assert.Equal(wrongAlgorithm, await RefusedAsync(client, forged));
                Assert.Equal(wrongAlgorithm, await RefusedAsync(client, forged, $"/api/evaluations/{evaluation}"));
            }
        }

        // No signature at all.
        foreach (var alg in new[] { "none", "None", "NONE" })
        {
            Assert.Equal(wrongAlgorithm, await RefusedAsync(client, HandMade(alg, "rsa-1", claims)));
        }

        // The development key's tokens mean nothing here.
        Assert.Equal(wrongAlgorithm, await RefusedAsync(client, App.TokenFor(lead)));
    }

    [Fact]
    public async Task a_configured_issuer_replaces_the_one_the_provider_announces()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        const string issuer = "https://tokens.example.org/fieldwork";
        await using var host = await StartWithAsync(provider, ("Auth__Issuer", issuer));
        using var client = AppFixture.ClientOf(host, App.Contract);

        var user = NewUser();
        (await SendAsync(client, HttpMethod.Get, "/api/evaluations", provider.Token(user, Audience, provider.Rs256, d => d.Issuer = issuer)))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal($"The token's issuer (iss) is not {issuer}.",
            await RefusedAsync(client, provider.Token(user, Audience, provider.Rs256)));
    }

    [Fact]
    public async Task a_provider_that_cannot_be_reached_lets_no_token_through()
    {
        // A token the provider really signed, but the provider is gone before the API could fetch its keys.
        var provider = await TestIdentityProvider.StartAsync();
        var user = NewUser();
        var token = provider.Token(user, Audience, provider.Rs256);
        await provider.DisposeAsync();
        await using var host = await StartWithAsync(provider);
        using var client = AppFixture.ClientOf(host, App.Contract);

        const string unavailable = "The identity provider's keys could not be fetched, so the token could not be checked; try again later.";
        Assert.Equal(unavailable, await RefusedAsync(client, token));
        Assert.Equal(unavailable, await RefusedAsync(client, token));
    }

    [Fact]
    public async Task the_signing_key_mode_accepts_hs256_alone()
    {
        var settings = App.Host.Services.GetRequiredService<AuthSettings>();
        Assert.Null(settings.Authority);
        Assert.Equal(["HS256"], settings.Algorithms);
        using var client = App.Client();
        var user = NewUser();
        var wrongAlgorithm = "The token's algorithm (alg) is not one this API accepts (HS256).";

        using var rsa = RSA.Create(2048);
        var rs256 = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = user },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256),
        });
        Assert.Equal(wrongAlgorithm, await RefusedAsync(client, rs256));

        // The API's own key, with another HMAC than the pinned one.
        var hs384 = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = user },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(settings.Key, SecurityAlgorithms.HmacSha384),
        });
        Assert.Equal(wrongAlgorithm, await RefusedAsync(client, hs384));

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var unsigned = HandMade("none", "", new { iss = settings.Issuer, aud = settings.Audience, sub = user, exp = now + 3600 });
        Assert.Equal(wrongAlgorithm, await RefusedAsync(client, unsigned));

        (await SendAsync(client, HttpMethod.Get, "/api/evaluations", App.TokenFor(user))).ShouldBe(HttpStatusCode.OK);
    }
}
