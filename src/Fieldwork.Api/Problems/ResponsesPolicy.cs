using JasperFx;
using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Authorization;

namespace Fieldwork.Api.Problems;

/// <summary>
/// Makes the OpenAPI document exact: each route lists the statuses it can really answer.
/// Endpoints declare their own successes and rule conflicts; this adds what the pipeline
/// answers for every route of a kind (401, 403, 404, 400 for bodies and query strings, 413) and
/// drops the defaults Wolverine guesses for endpoints that return IResult. It also says once
/// what every route of a kind would otherwise repeat, as the same metadata the attributes add
/// (so the served document is the same):
/// <list type="bullet">
/// <item>The OpenAPI tag is the route's feature: the class's <c>[Tags]</c>, else the last part of
/// its namespace (<c>Fieldwork.Api.Sites</c>: "Sites"). A method's own <c>[Tags]</c> wins.</item>
/// <item>A route that creates (declares 201) also answers 409: its id already used for another
/// request, or by another user (<see cref="Recording.EventRecorder.Replay"/>).</item>
/// </list>
/// </summary>
public sealed class ResponsesPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            var method = chain.Method.Method;
            var anonymous = method.GetCustomAttributes(typeof(AllowAnonymousAttribute), true).Length > 0;
            var scoped = method.GetCustomAttributes(typeof(RequiresAttribute), true).Length > 0;
            var hasBody = RequestContract.Of(chain).Body is not null;
            var declared = method.GetCustomAttributes(typeof(ProducesResponseTypeAttribute), true)
                .Cast<ProducesResponseTypeAttribute>().Select(a => a.StatusCode).ToHashSet();

            var type = chain.Method.HandlerType;
            if (!method.IsDefined(typeof(TagsAttribute), true) && !type.IsDefined(typeof(TagsAttribute), true))
            {
                chain.Metadata.WithMetadata(new TagsAttribute(type.Namespace![(type.Namespace!.LastIndexOf('.') + 1)..]));
            }

            if (declared.Contains(StatusCodes.Status201Created) && !declared.Contains(StatusCodes.Status409Conflict))
            {
                chain.Metadata.WithMetadata(new ProducesResponseTypeAttribute<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json"));
            }

            var keep = new HashSet<int>(declared);
            if (scoped || chain.RoutePattern!.Parameters.Count > 0)
            {
                keep.Add(StatusCodes.Status404NotFound);
            }

            chain.Metadata.Finally(b =>
            {
                if (chain.ResourceType == typeof(IResult))
                {
                    foreach (var guess in new[] { 200, 204, 404 }.Where(s => !keep.Contains(s)))
                    {
                        b.RemoveStatusCodeResponse(guess);
                    }

                    if (keep.Contains(StatusCodes.Status404NotFound))
                    {
                        b.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
                    }
                }
            });

            if (!anonymous)
            {
                chain.Metadata.ProducesProblem(StatusCodes.Status401Unauthorized);
            }

            if (scoped)
            {
                chain.Metadata.ProducesProblem(StatusCodes.Status403Forbidden);
            }

            // Every route checks its query string (an unknown parameter is refused everywhere).
            chain.Metadata.ProducesValidationProblem();

            if (hasBody)
            {
                chain.Metadata.ProducesProblem(StatusCodes.Status413PayloadTooLarge);
                chain.Metadata.ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
            }

            // Requests without a valid token are rate limited per client address, on every route.
            chain.Metadata.ProducesProblem(StatusCodes.Status429TooManyRequests);

            if (!declared.Contains(500))
            {
                chain.Metadata.ProducesProblem(StatusCodes.Status500InternalServerError);
            }

            if (!declared.Contains(503))
            {
                // The database out of reach (StoreExceptionHandler): retry after the Retry-After seconds.
                chain.Metadata.ProducesProblem(StatusCodes.Status503ServiceUnavailable);
            }
        }
    }
}
