using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fieldwork.Api.Findings;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fieldwork.Api.Hosting;

/// <summary>
/// Makes the document say exactly what the API sends, so that a validator or a generated client
/// finds no difference: problem bodies with the members they carry, nullable enums that a
/// null matches once, both media types of the provenance read, and operations described in
/// words (the endpoints' XML comments) rather than machine names.
/// </summary>
public sealed partial class OpenApiContract : IOpenApiDocumentTransformer
{
    private const string Problem = "ProblemDetails";
    private const string ValidationProblem = "HttpValidationProblemDetails";
    private const string Prov = "ProvJsonDocument";

    /// <summary>Routes that take a file, not JSON (they read the body themselves), and the media types they take.</summary>
    private static readonly Dictionary<string, string[]> FileUploads = new(StringComparer.Ordinal)
    {
        ["importProject"] = ["application/zip"],
        ["importCodebook"] = ["application/xml"],
    };

    /// <summary>A route that reads a file from its body says so: the file's media types, as binary.</summary>
    private static void Uploads(OpenApiOperation operation)
    {
        if (operation.OperationId is not { } id || !FileUploads.TryGetValue(id, out var mediaTypes))
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The file itself, as the tool saved it.",
            Content = mediaTypes.ToDictionary(m => m, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }),
        };
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        var schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        DescribeProblems(schemas);
        schemas[Prov] = ProvJsonSchema();

        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            // A nullable enum is referenced as oneOf [null, the enum]: the enum itself must not list
            // null too, or a null matches both branches and oneOf refuses it.
            if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
            {
                schema.Enum = values.Where(v => v is not null).ToList();
            }
        }

        var anything = schemas.Where(s => s.Value is OpenApiSchema
        {
            Type: null, Properties: null or { Count: 0 }, Enum: null or { Count: 0 },
            OneOf: null or { Count: 0 }, AnyOf: null or { Count: 0 }, AllOf: null or { Count: 0 }, Items: null
        })
            .Select(s => s.Key).ToHashSet();
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            CollapseNullableAnything(schema, anything);
        }

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                Describe(operation);
                Uploads(operation);
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    // Every refusal of this API is an RFC 9457 problem, whatever declared it.
                    if (status.Length == 3 && status[0] is '4' or '5' && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
                    {
                        bare.Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(status == "400" ? ValidationProblem : Problem, document) },
                        };
                    }
                }

                if (method == HttpMethod.Get && path.EndsWith("/provenance", StringComparison.Ordinal)
                    && operation.Responses?["200"] is OpenApiResponse { Content: { } content })
                {
                    content[ProvJson.MediaType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(Prov, document) };
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The problem members the API sends: RFC 9457's, always traceId (quote it when reporting a
    /// failure), and for 400s the errors keyed by camelCase field. Other extension members are
    /// allowed by RFC 9457, so clients must ignore what they do not know.
    /// </summary>
    private static void DescribeProblems(IDictionary<string, IOpenApiSchema> schemas)
    {
        OpenApiSchema Problem(bool validation)
        {
            var schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = validation
                    ? "An RFC 9457 problem for an invalid request: 'errors' maps each camelCase field (body or query) to what is wrong with it."
                    : "An RFC 9457 problem.",
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI that identifies the kind of problem." },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                    ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifies the request in the server's log." },
                },
                Required = new HashSet<string> { "title", "status", "traceId" },
                AdditionalPropertiesAllowed = true,
            };
            if (validation)
            {
                schema.Properties["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                };
                schema.Required.Add("errors");
            }

            return schema;
        }

        schemas[OpenApiContract.Problem] = Problem(validation: false);
        schemas[ValidationProblem] = Problem(validation: true);
    }

    /// <summary>A W3C PROV-JSON document: prefixes, then maps of records by identifier (entity, activity, agent and the relations).</summary>
    private static OpenApiSchema ProvJsonSchema()
    {
        var records = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Object },
        };
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["prefix"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        foreach (var name in new[] { "entity", "activity", "agent", "used", "wasGeneratedBy", "wasDerivedFrom", "wasAttributedTo", "wasAssociatedWith", "wasInvalidatedBy" })
        {
            properties[name] = records;
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "W3C PROV-JSON (https://www.w3.org/submissions/prov-json/): records keyed by prefixed identifiers (fw:...).",
            Properties = properties,
            Required = new HashSet<string> { "prefix", "entity", "activity", "agent" },
            AdditionalPropertiesAllowed = true,
        };
    }

    /// <summary>
    /// oneOf [null, X] is just X where X allows anything (a null would match twice) and where the
    /// property is required (a required field of a request may not be null).
    /// </summary>
    private static void CollapseNullableAnything(OpenApiSchema schema, HashSet<string> anything)
    {
        foreach (var (name, property) in schema.Properties?.ToList() ?? [])
        {
            if (property is OpenApiSchema { OneOf: [{ Type: JsonSchemaType.Null }, OpenApiSchemaReference target] }
                && (target.Reference.Id is { } id && anything.Contains(id) || schema.Required?.Contains(name) == true))
            {
                schema.Properties![name] = target;
            }
        }
    }

    /// <summary>
    /// The summary is the first sentence of the endpoint's XML comment, the description the whole
    /// of it; Wolverine's machine name (POST_api_evaluations_...) never reaches a reader.
    /// </summary>
    private static void Describe(OpenApiOperation operation)
    {
        var text = Spaces().Replace(operation.Summary ?? "", " ").Trim();
        if (text.Length == 0)
        {
            return;
        }

        if (operation.Description is null || MachineName().IsMatch(operation.Description))
        {
            operation.Description = text;
        }

        var end = FirstSentenceEnd().Match(text);
        operation.Summary = end.Success ? text[..(end.Index + 1)] : text;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^[A-Z]+_[A-Za-z0-9_]*$")]
    private static partial Regex MachineName();

    [GeneratedRegex(@"\.(?=\s)")]
    private static partial Regex FirstSentenceEnd();
}
