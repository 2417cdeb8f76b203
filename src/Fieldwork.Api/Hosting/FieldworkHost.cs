using System.Text;
using Fieldwork.Api.Auth;
using Fieldwork.Evaluations;
using Fieldwork.Web;
using FluentValidation;
using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.Marten;

namespace Fieldwork.Api.Hosting;

/// <summary>Wires the domain to HTTP, Marten and Wolverine. Program.cs calls these two.</summary>
public static class FieldworkHost
{
    /// <summary>
    /// The database the API (and its verbs) use: ConnectionStrings:Fieldwork, or in Development the
    /// private cluster's database `fieldwork`, started if need be.
    /// </summary>
    public static async Task<string> ConnectionStringAsync(WebApplicationBuilder builder, Action<string> log)
    {
        var connectionString = builder.Configuration.GetConnectionString("Fieldwork");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Fieldwork is not configured. Set ConnectionStrings__Fieldwork to a PostgreSQL 15+ database.");
        }

        return await LocalPostgres.EnsureDatabaseAsync("fieldwork", log);
    }

    public static async Task ConfigureAsync(WebApplicationBuilder builder)
    {
        var connectionString = await ConnectionStringAsync(builder, Console.WriteLine);
        builder.Configuration["ConnectionStrings:Fieldwork"] = connectionString;

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => JsonDefaults.Apply(o.SerializerOptions));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemShaping.Customize);
        services.AddExceptionHandler<StoreExceptionHandler>();

        // For the few reads Marten does not model (the audit log, the integrity chain).
        services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(FieldworkStore.Tuned(connectionString)));
        services.AddMarten(opts => FieldworkStore.Configure(opts, connectionString))
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            // HotCold: of all the API processes on one database, the one holding Marten's advisory
            // lock runs the async projections (the integrity chain); the others stand by and take
            // over when it stops or dies, so the chain is written exactly once.
            .AddAsyncDaemon(builder.Configuration.GetValue("Fieldwork:AsyncDaemon", true)
                ? JasperFx.Events.Daemon.DaemonMode.HotCold
                : JasperFx.Events.Daemon.DaemonMode.Disabled)
            .IntegrateWithWolverine();

        builder.Host.UseWolverine(opts =>
        {
            opts.Policies.AutoApplyTransactions();
            opts.UseRuntimeCompilation();
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
            // Wolverine serves the HTTP endpoints only: nothing is published, sent or queued, so its
            // durable messaging (inbox/outbox agents polling the database, node leadership) is off.
            opts.Durability.Mode = DurabilityMode.MediatorOnly;
        });
        services.AddWolverineHttp();
        // The key-encryption key, read once; the check runs after Marten's schema is in place.
        services.AddSingleton(new Fieldwork.Secrets.KeyRing(KeyEncryptionSettings.From(builder.Configuration, builder.Environment)));
        services.AddHostedService<KeyEncryptionCheck>();
        services.AddHostedService<ReadModelBackfill>();
        services.AddScoped<EventRecorder>();
        services.AddSingleton<Access.EvaluationSnapshots>();
        services.AddSingleton<Evidence.EvidenceBatcher>();
        services.AddHttpContextAccessor();
        services.AddSingleton<Timeline.TimeTravel>();
        AddValidators(services);

        // The key that signs checkpoints of the integrity chain, kept outside the database.
        services.AddSingleton(Audit.CheckpointKey.From(builder.Configuration, builder.Environment));
        services.AddSingleton<Audit.StoreVerifications>();

        var auth = AuthSettings.From(builder.Configuration, builder.Environment);
        services.AddSingleton(auth);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            // Signing key or identity provider, with the algorithms pinned to the mode (AuthSettings).
            auth.Apply(o);
            o.Events = new JwtBearerEvents
            {
                // A token is only as good as the user id it carries: without one it does not authenticate.
                OnTokenValidated = context =>
                {
                    if (string.IsNullOrWhiteSpace(context.Principal?.FindFirst(auth.UserIdClaim)?.Value))
                    {
                        context.Fail(new UserIdClaimMissingException(auth.UserIdClaim));
                    }

                    return Task.CompletedTask;
                },
                // A token naming an algorithm outside the pinned ones, or met while the identity
                // provider is unreachable, is refused for that, in so many words.
                OnAuthenticationFailed = context => BearerFailures.ExplainAsync(context, auth),
                // RFC 6750: no token is a bare challenge, a bad one says what is wrong with it.
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var description = BearerChallenge.Describe(context.AuthenticateFailure, auth);
                    context.Response.Headers.WWWAuthenticate = BearerChallenge.Header(description);
                    await ProblemResults.Unauthorized(BearerChallenge.Detail(description)).ExecuteAsync(context.HttpContext);
                },
            };
        });
        // The web UI at /: it calls this API like any client, with the signed-in user's token. In
        // Development (signing key mode) it offers the demo's members, signed in with one click.
        services.AddFieldworkWeb(o =>
        {
            o.UserIdClaim = auth.UserIdClaim;
            o.ApiBaseAddress = builder.Configuration["Web:ApiBaseAddress"] is { Length: > 0 } address ? new Uri(address) : null;
            if (builder.Environment.IsDevelopment() && auth.Key is not null)
            {
                o.DemoUsers = Fieldwork.Demo.DemoEvaluation.Members;
                o.MintDemoToken = user => Tokens.Mint(auth, user, TimeProvider.System, TimeSpan.FromHours(12));
            }
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<OpenApiDocumentInfo>();
            o.AddSchemaTransformer<OpenApiRequiredFields>();
            o.AddSchemaTransformer<OpenApiTextFields>();
            o.AddDocumentTransformer<OpenApiContract>();
        });

        // Behind a reverse proxy, the client address is the one the configured proxies forward.
        services.AddSingleton(ForwardedHeadersSettings.From(builder.Configuration));

        // Requests without a valid token are limited per client address (RateLimiting:UnauthenticatedPerMinute).
        var unauthenticatedPerMinute = builder.Configuration.GetValue("RateLimiting:UnauthenticatedPerMinute", 120);
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = System.Threading.RateLimiting.PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.User.Identity?.IsAuthenticated == true
                    ? System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter("authenticated")
                    : System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions
                        {
                            PermitLimit = unauthenticatedPerMinute,
                            Window = TimeSpan.FromMinutes(1),
                            QueueLimit = 0,
                        }));
            o.OnRejected = async (context, cancellation) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await TypedResults.Problem("Too many requests without a valid token; try again in a minute.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context.HttpContext);
            };
        });
    }

    /// <summary>
    /// In Development, a database with no evaluation at all gets the synthetic demo evaluation, so
    /// that a first run shows a living study (Fieldwork:SeedDemo=false turns this off). Says what
    /// it did, for the start-up summary (null outside Development or when turned off).
    /// </summary>
    public static async Task<string?> SeedDemoOnFirstRunAsync(WebApplication app)
    {
        if (!app.Environment.IsDevelopment() || !app.Configuration.GetValue("Fieldwork:SeedDemo", true))
        {
            return null;
        }

        var store = app.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using (var query = store.QuerySession())
        {
            if (await query.Query<Fieldwork.Evaluations.Evaluation>().AnyAsync())
            {
                return "not loaded (the database already holds evaluations); sign in as demo-lead if it is there";
            }
        }

        Console.WriteLine("Empty database: loading the synthetic demo evaluation (about 15 seconds)...");
        // The keys are checked before the demo's are wrapped (the start-up check runs later, and then finds them in order).
        var keys = app.Services.GetRequiredService<Fieldwork.Secrets.KeyRing>();
        await keys.EnsureStoreAsync(store, TimeProvider.System);
        // Describe already names the demo's members.
        return "loaded: " + Verbs.SeedVerb.Describe(await Fieldwork.Demo.DemoEvaluation.SeedAsync(store, keys));
    }

    public static void UsePipeline(WebApplication app)
    {
        // First, so that everything after it (the rate limiter above all) sees the real client.
        if (app.Services.GetRequiredService<ForwardedHeadersSettings>() is { TrustsAnyProxy: true } forwarding)
        {
            app.UseForwardedHeaders(forwarding.Options());
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<EvaluationAccessMiddleware>();
        app.UseMiddleware<BodyLimitMiddleware>();

        app.MapOpenApi().AllowAnonymous();
        // The web UI: its pages at / and below (outside /api), its static files and its circuit.
        app.MapFieldworkWeb();
        app.MapScalarApiReference("/reference", o => o.WithTitle("Fieldwork API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
        app.MapWolverineEndpoints(opts =>
        {
            opts.AddPolicy<ValidationPolicy>();
            opts.AddPolicy<ResponsesPolicy>();
            opts.RejectUnparseableQueryValues = true;
        });
    }

    private static void AddValidators(IServiceCollection services)
    {
        // Messages name fields as clients write them: 'startsOn', not 'Starts On'.
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
            member is null ? null : ProblemResults.CamelPath(member.Name);

        var validators = typeof(FieldworkStore).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false })
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>))
                .Select(i => (Service: i, Implementation: t)));
        foreach (var (service, implementation) in validators)
        {
            services.AddSingleton(service, implementation);
        }
    }
}
