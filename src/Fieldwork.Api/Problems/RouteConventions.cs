using System.Reflection;
using JasperFx;
using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Fieldwork.Api.Problems;

/// <summary>
/// What every route of a kind declares, said once instead of at each route. An endpoint still
/// declares what is its own (its route, its permission, its success) and may say otherwise:
/// <list type="bullet">
/// <item>Its OpenAPI tag is its feature: the class's <c>[Tags]</c>, else the last part of its
/// namespace (<c>Fieldwork.Api.Sites</c>: "Sites"). A method's own <c>[Tags]</c> wins.</item>
/// <item>A route that creates (declares 201) also answers 409: an id already used for another
/// request, or by another user (<see cref="Recording.EventRecorder.Replay"/>).</item>
/// </list>
/// The metadata added here is what the attributes would add, so the served document is the same.
/// </summary>
public sealed class RouteConventions : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            var method = chain.Method.Method;
            var type = chain.Method.HandlerType;
            if (!method.IsDefined(typeof(TagsAttribute)) && !type.IsDefined(typeof(TagsAttribute)))
            {
                chain.Metadata.WithMetadata(new TagsAttribute(type.Namespace![(type.Namespace!.LastIndexOf('.') + 1)..]));
            }

            var declared = method.GetCustomAttributes<ProducesResponseTypeAttribute>(true).Select(a => a.StatusCode).ToHashSet();
            if (declared.Contains(StatusCodes.Status201Created) && !declared.Contains(StatusCodes.Status409Conflict))
            {
                chain.Metadata.WithMetadata(new ProducesResponseTypeAttribute<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json"));
            }
        }
    }
}
