using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fieldwork.Api.Hosting;

/// <summary>Titles the OpenAPI document and declares the bearer scheme every route but /health uses.</summary>
public sealed class OpenApiDocumentInfo : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Fieldwork API";
        document.Info.Description =
            "Event-sourced system of record for longitudinal qualitative evaluations. Every route under " +
            "/api needs a bearer token; errors are RFC 9457 problem details.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
