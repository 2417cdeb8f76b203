using Fieldwork.Api.Auth;
using Fieldwork.Api.Hosting;
using Fieldwork.Api.Verbs;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Fieldwork.Tests.Hosting;

/// <summary>The two modes of Auth, and the settings that stop start-up rather than leave the API guessing.</summary>
public sealed class AuthSettingsTests
{
    private const string Key = "a-signing-key-of-more-than-32-bytes-for-tests";

    private static AuthSettings From(string environment, params (string Key, string Value)[] settings) =>
        AuthSettings.From(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
            new HostingEnvironment { EnvironmentName = environment });

    [Fact]
    public void an_authority_means_the_providers_asymmetric_tokens_and_no_key()
    {
        var settings = From(Environments.Production, ("Auth:Authority", "https://login.example.org/realms/fieldwork"), ("Auth:Audience", "fieldwork-api"));
        Assert.Null(settings.Key);
        Assert.Null(settings.Issuer);
        Assert.True(settings.RequireHttpsMetadata);
        Assert.Equal(["RS256", "ES256"], settings.Algorithms);
        Assert.Equal("sub", settings.UserIdClaim);
        Assert.StartsWith("from the identity provider https://login.example.org/realms/fieldwork (RS256, ES256)", settings.Describe(), StringComparison.Ordinal);

        var options = new JwtBearerOptions();
        settings.Apply(options);
        Assert.Equal("https://login.example.org/realms/fieldwork", options.Authority);
        Assert.True(options.RequireHttpsMetadata);
        Assert.False(options.MapInboundClaims);
        Assert.Equal(["RS256", "ES256"], options.TokenValidationParameters.ValidAlgorithms);
        Assert.Equal("fieldwork-api", options.TokenValidationParameters.ValidAudience);
        Assert.Null(options.TokenValidationParameters.ValidIssuer);
        Assert.Null(options.TokenValidationParameters.IssuerSigningKey);
        Assert.True(options.TokenValidationParameters.RequireSignedTokens);

        // No key to mint with: the token verb says so.
        Assert.Throws<InvalidOperationException>(() => Tokens.Mint(settings, "someone", TimeProvider.System));
        var errors = new StringWriter();
        Assert.Equal(1, TokenVerb.Run(["token", "someone", "--Auth:Authority", "https://login.example.org", "--Auth:Audience", "api"], new StringWriter(), errors));
        Assert.Contains("Auth:Authority is set", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void without_an_authority_the_signing_key_signs_hs256_alone()
    {
        var settings = From(Environments.Production, ("Auth:SigningKey", Key));
        Assert.NotNull(settings.Key);
        Assert.Null(settings.Authority);
        Assert.Equal(["HS256"], settings.Algorithms);
        Assert.Equal("fieldwork", settings.Issuer);
        Assert.StartsWith("signed with Auth:SigningKey (HS256)", settings.Describe(), StringComparison.Ordinal);

        var options = new JwtBearerOptions();
        settings.Apply(options);
        Assert.Null(options.Authority);
        Assert.Equal(["HS256"], options.TokenValidationParameters.ValidAlgorithms);
        Assert.Same(settings.Key, options.TokenValidationParameters.IssuerSigningKey);
        Assert.Equal("fieldwork", options.TokenValidationParameters.ValidIssuer);
    }

    [Fact]
    public void a_local_provider_over_http_needs_the_setting_that_says_so()
    {
        var local = From(Environments.Production, ("Auth:Authority", "http://localhost:8080/realms/dev"), ("Auth:Audience", "api"),
            ("Auth:RequireHttpsMetadata", "false"));
        Assert.False(local.RequireHttpsMetadata);
        Assert.Contains("Auth:RequireHttpsMetadata=false", local.Describe(), StringComparison.Ordinal);
        var options = new JwtBearerOptions();
        local.Apply(options);
        Assert.False(options.RequireHttpsMetadata);

        Assert.False(From(Environments.Production, ("Auth:Authority", "http://127.0.0.1:8080"), ("Auth:Audience", "api"),
            ("Auth:RequireHttpsMetadata", "false")).RequireHttpsMetadata);
        Assert.False(From(Environments.Production, ("Auth:Authority", "http://[::1]:8080"), ("Auth:Audience", "api"),
            ("Auth:RequireHttpsMetadata", "false")).RequireHttpsMetadata);
        Assert.False(From(Environments.Development, ("Auth:Authority", "http://keycloak:8080/realms/dev"), ("Auth:Audience", "api"),
            ("Auth:RequireHttpsMetadata", "false")).RequireHttpsMetadata);
    }

    [Fact]
    public void a_configured_issuer_and_claim_are_kept()
    {
        var settings = From(Environments.Production, ("Auth:Authority", "https://login.example.org"), ("Auth:Audience", "api"),
            ("Auth:Issuer", "https://login.example.org/v2"), ("Auth:UserIdClaim", "oid"));
        Assert.Equal("https://login.example.org/v2", settings.Issuer);
        Assert.Equal("oid", settings.UserIdClaim);
        var options = new JwtBearerOptions();
        settings.Apply(options);
        Assert.NotNull(options.TokenValidationParameters.IssuerValidator);
        Assert.Equal("oid", options.TokenValidationParameters.NameClaimType);
    }

    [Theory]
    [InlineData("Production", "not a url", "api", null, null, "Auth:Authority must be the https URL")]
    [InlineData("Production", "/realms/fieldwork", "api", null, null, "Auth:Authority must be the https URL")]
    [InlineData("Production", "ftp://login.example.org", "api", null, null, "Auth:Authority must be the https URL")]
    [InlineData("Production", "https://user:secret@login.example.org", "api", null, null, "Auth:Authority must be the https URL")]
    [InlineData("Production", "https://login.example.org?tenant=x", "api", null, null, "Auth:Authority must be the https URL")]
    [InlineData("Production", "https://login.example.org", null, null, null, "Auth:Audience is required with Auth:Authority")]
    [InlineData("Production", "https://login.example.org", " ", null, null, "Auth:Audience is required with Auth:Authority")]
    [InlineData("Production", "https://login.example.org", "api", Key, null, "Auth:Authority and Auth:SigningKey are both set")]
    [InlineData("Development", "https://login.example.org", "api", Key, null, "Auth:Authority and Auth:SigningKey are both set")]
    [InlineData("Production", "http://login.example.org", "api", null, null, "Auth:Authority is an http URL")]
    [InlineData("Development", "http://localhost:8080", "api", null, "true", "Auth:Authority is an http URL")]
    [InlineData("Production", "http://login.example.org", "api", null, "false", "Auth:RequireHttpsMetadata=false is accepted only in Development")]
    [InlineData("Production", "https://login.example.org", "api", null, "maybe", "Auth:RequireHttpsMetadata must be true or false")]
    [InlineData("Production", null, null, null, null, "Neither Auth:Authority nor Auth:SigningKey is configured")]
    public void unclear_settings_stop_start_up_saying_why(string environment, string? authority, string? audience, string? key, string? requireHttps, string message)
    {
        var settings = new List<(string, string)>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                settings.Add((name, value));
            }
        }

        Add("Auth:Authority", authority);
        Add("Auth:Audience", audience);
        Add("Auth:SigningKey", key);
        Add("Auth:RequireHttpsMetadata", requireHttps);
        var failure = Assert.Throws<InvalidOperationException>(() => From(environment, [.. settings]));
        Assert.StartsWith(message, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("user:secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void the_start_up_summary_names_the_mode()
    {
        var summary = StartupSummary.Describe("http://127.0.0.1:5080", "Host=db;Port=5432;Database=fieldwork", "Production", null,
            From(Environments.Production, ("Auth:Authority", "https://login.example.org"), ("Auth:Audience", "api")).Describe());
        Assert.Contains("  Tokens:    from the identity provider https://login.example.org (RS256, ES256), issuer as its discovery document says, audience api",
            summary, StringComparison.Ordinal);
    }
}
