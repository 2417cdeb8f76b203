using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fieldwork.Tests.Infrastructure;

/// <summary>
/// A minimal OpenID Connect identity provider for tests: Kestrel on a free port of 127.0.0.1
/// (plain http), serving a discovery document and a JWKS with an RSA key and an EC P-256 key,
/// and signing tokens with them. Counts the requests for its JWKS, so that a test can see the
/// API fetched the keys rather than holding them.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication app;
    private int keyRequests;

    private TestIdentityProvider(WebApplication app) => this.app = app;

    /// <summary>Where the provider lives (known once it listens): its issuer too, as the discovery document says.</summary>
    public string Authority { get; private set; } = "";

    public string Issuer => Authority;

    public RSA Rsa { get; } = RSA.Create(2048);

    public ECDsa EcDsa { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public RsaSecurityKey RsaKey => new(Rsa) { KeyId = "rsa-1" };

    public ECDsaSecurityKey EcKey => new(EcDsa) { KeyId = "ec-1" };

    public int KeyRequests => Volatile.Read(ref keyRequests);

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var provider = new TestIdentityProvider(builder.Build());
        provider.Map();
        await provider.app.StartAsync();
        provider.Authority = provider.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return provider;
    }

    private void Map()
    {
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = $"{Authority}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        }));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref keyRequests);
            var rsa = Rsa.ExportParameters(false);
            var ec = EcDsa.ExportParameters(false);
            return Results.Json(new
            {
                keys = new object[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = "rsa-1", n = Base64UrlEncoder.Encode(rsa.Modulus), e = Base64UrlEncoder.Encode(rsa.Exponent) },
                    new { kty = "EC", use = "sig", alg = "ES256", kid = "ec-1", crv = "P-256", x = Base64UrlEncoder.Encode(ec.Q.X), y = Base64UrlEncoder.Encode(ec.Q.Y) },
                },
            });
        });
    }

    /// <summary>A token for <paramref name="userId"/> in <c>sub</c>, valid for an hour, signed as <paramref name="credentials"/> say; <paramref name="change"/> spoils it.</summary>
    public string Token(string userId, string audience, SigningCredentials credentials, Action<SecurityTokenDescriptor>? change = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = credentials,
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public SigningCredentials Rs256 => new(RsaKey, SecurityAlgorithms.RsaSha256);

    public SigningCredentials Es256 => new(EcKey, SecurityAlgorithms.EcdsaSha256);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Rsa.Dispose();
        EcDsa.Dispose();
    }
}
