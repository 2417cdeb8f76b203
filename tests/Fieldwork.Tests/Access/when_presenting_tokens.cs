using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Fieldwork.Api.Auth;
using Fieldwork.Api.Verbs;
using Fieldwork.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Tests.Access;

/// <summary>
/// What a client hears about its token (RFC 6750): no token is a bare Bearer challenge; a token
/// that does not validate is error="invalid_token" with a description of what is wrong with it,
/// and the problem's detail says the same; a token without a user id is one of those.
/// </summary>
public sealed class when_presenting_tokens(AppFixture app) : ApiTest(app)
{
    private AuthSettings Settings => App.Host.Services.GetRequiredService<AuthSettings>();

    /// <summary>A token signed with the API's key, valid for an hour from now, for a fresh user; <paramref name="change"/> spoils it.</summary>
    private string Token(Action<SecurityTokenDescriptor>? change = null, Dictionary<string, object>? claims = null, bool defaultTimes = true)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Settings.Issuer,
            Audience = Settings.Audience,
            Claims = claims ?? new Dictionary<string, object> { ["sub"] = NewUser() },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(Settings.Key, SecurityAlgorithms.HmacSha256),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = defaultTimes }.CreateToken(descriptor);
    }

    /// <summary>The 401 for a token: its problem detail, which the WWW-Authenticate error_description repeats.</summary>
    private async Task<string> RefusedAsync(string token, string url = "/api/evaluations")
    {
        var reply = (await Send(HttpMethod.Get, url, null, null, rawToken: token)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(reply.Response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        var detail = reply.Json["detail"]!.GetValue<string>();
        Assert.Equal($"error=\"invalid_token\", error_description=\"{detail}\"", challenge.Parameter);
        return detail;
    }

    [Fact]
    public async Task no_token_is_a_bare_bearer_challenge()
    {
        var reply = (await Get("/api/evaluations", null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(reply.Response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Null(challenge.Parameter);
        Assert.Equal("A bearer token is required.", reply.Json["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_token_without_a_user_id_is_a_401_that_names_the_claim()
    {
        var evaluation = await CreateEvaluation(NewUser("lead"));
        var none = Token(claims: new Dictionary<string, object> { ["name"] = "Nobody in particular" });
        var empty = Token(claims: new Dictionary<string, object> { ["sub"] = "" });
        var blank = Token(claims: new Dictionary<string, object> { ["sub"] = "   " });

        foreach (var token in new[] { none, empty, blank })
        {
            Assert.Equal("The token carries no 'sub' claim, which holds the user id.", await RefusedAsync(token));
            Assert.Equal("The token carries no 'sub' claim, which holds the user id.", await RefusedAsync(token, $"/api/evaluations/{evaluation}"));
            (await Send(HttpMethod.Post, "/api/evaluations", null, """{ "name": "Mine", "startsOn": "2018-01-01" }""", rawToken: token))
                .ShouldBeProblem(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task each_fault_of_a_token_has_its_own_words()
    {
        var expiredAt = DateTime.UtcNow.AddHours(-2);
        var expired = Token(d =>
        {
            d.IssuedAt = expiredAt.AddHours(-1);
            d.NotBefore = expiredAt.AddHours(-1);
            d.Expires = expiredAt;
        });
        Assert.Equal($"The token expired at {expiredAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.", await RefusedAsync(expired));

        var from = DateTime.UtcNow.AddHours(2);
        var early = Token(d =>
        {
            d.NotBefore = from;
            d.Expires = from.AddHours(1);
        });
        Assert.Equal($"The token is not valid before {from:yyyy-MM-dd'T'HH:mm:ss'Z'}.", await RefusedAsync(early));

        var otherKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("not the API's key, but long enough for HS256 anyway"));
        var forged = Token(d => d.SigningCredentials = new SigningCredentials(otherKey, SecurityAlgorithms.HmacSha256));
        Assert.Equal("The token's signature is not valid: it was not signed with this API's key.", await RefusedAsync(forged));
        var tampered = App.TokenFor("lead")[..^4] + "AAAA";
        Assert.Equal("The token's signature is not valid: it was not signed with this API's key.", await RefusedAsync(tampered));

        Assert.Equal($"The token's issuer (iss) is not {Settings.Issuer}.", await RefusedAsync(Token(d => d.Issuer = "https://elsewhere.example")));
        Assert.Equal($"The token's audience (aud) is not {Settings.Audience}.", await RefusedAsync(Token(d => d.Audience = "another-api")));
        Assert.Equal("The token has no expiry time (exp).", await RefusedAsync(Token(d =>
        {
            d.Expires = null;
            d.NotBefore = null;
        }, defaultTimes: false)));

        foreach (var malformed in new[] { "garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30" })
        {
            Assert.Equal("The token is malformed: it is not a signed JWT.", await RefusedAsync(malformed));
        }
    }

    [Fact]
    public async Task the_user_id_claim_is_configurable()
    {
        await using var host = await OwnHost.StartAsync(("Auth__UserIdClaim", "oid"));
        var settings = host.Services.GetRequiredService<AuthSettings>();
        Assert.Equal("oid", settings.UserIdClaim);
        using var client = host.Server.CreateClient();

        async Task<HttpResponseMessage> SendAs(HttpMethod method, string url, string token, string? body = null)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            return await client.SendAsync(request);
        }

        // An identity provider's token: the user id in oid, a display name in sub.
        var userId = Guid.NewGuid().ToString();
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Claims = new Dictionary<string, object> { ["oid"] = userId, ["sub"] = "someone-else" },
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(settings.Key, SecurityAlgorithms.HmacSha256),
        });
        using var created = await SendAs(HttpMethod.Post, "/api/evaluations", token, """{ "name": "By oid", "startsOn": "2018-01-01" }""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();

        // The creator, known by oid, leads it; the members list names the oid.
        using var members = await SendAs(HttpMethod.Get, $"{location}/members", token);
        Assert.Equal(HttpStatusCode.OK, members.StatusCode);
        var items = System.Text.Json.Nodes.JsonNode.Parse(await members.Content.ReadAsStringAsync())!["items"]!.AsArray();
        Assert.Equal(userId, Assert.Single(items)!["userId"]!.GetValue<string>());

        // A token that carries the user id only in sub is now a token without one.
        using var subOnly = await SendAs(HttpMethod.Get, "/api/evaluations", App.TokenFor(userId));
        Assert.Equal(HttpStatusCode.Unauthorized, subOnly.StatusCode);
        Assert.Contains("error_description=\"The token carries no 'oid' claim, which holds the user id.\"",
            subOnly.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        // Tokens minted with these settings (the token verb's) carry the id in oid, and no sub.
        var minted = new JsonWebToken(Tokens.Mint(settings, userId, TimeProvider.System));
        Assert.Equal(userId, minted.GetClaim("oid").Value);
        Assert.False(minted.TryGetClaim("sub", out _));
        using var listed = await SendAs(HttpMethod.Get, "/api/evaluations", minted.EncodedToken);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public void the_token_verb_mints_the_configured_claim()
    {
        string Mint(params string[] args)
        {
            var output = new StringWriter();
            Assert.Equal(0, TokenVerb.Run(["token", "verb-user", "--environment", "Development", .. args], output, new StringWriter()));
            return output.ToString().Trim();
        }

        var plain = new JsonWebToken(Mint());
        Assert.Equal("verb-user", plain.Subject);

        var configured = new JsonWebToken(Mint("--Auth:UserIdClaim", "preferred_username"));
        Assert.Equal("verb-user", configured.GetClaim("preferred_username").Value);
        Assert.False(configured.TryGetClaim("sub", out _));
    }

    [Fact]
    public void a_principal_without_the_claim_has_no_user_id()
    {
        var named = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "u-1"), new Claim("sub", "other")], "Bearer", "oid", "role"));
        Assert.Equal("u-1", named.UserId());
        var nameless = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "other")], "Bearer", "oid", "role"));
        Assert.Throws<InvalidOperationException>(() => nameless.UserId());
    }
}
