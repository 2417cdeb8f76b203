using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Fieldwork.Tests.Infrastructure;

/// <summary>
/// The API's own OpenAPI document as a judge of every response the suite receives: the route and
/// method must be described, the status listed for that operation, the media type listed for that
/// status, and the body valid against its schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1,
/// checked by JsonSchema.Net). A difference throws, so the test that caused it fails.
/// </summary>
public sealed class Contract
{
    private const string Base = "https://fieldwork.test/openapi.json";
    private readonly JsonObject _document;
    private readonly List<(Regex Pattern, string Template, int Literals)> _paths;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry() };

    public Contract(string openApiJson)
    {
        _document = JsonNode.Parse(openApiJson)!.AsObject();
        _paths = _document["paths"]!.AsObject()
            .Select(p => (
                new Regex("^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^/]+?}", "[^/]+") + "$", RegexOptions.CultureInvariant),
                p.Key,
                p.Key.Split('/').Count(s => !s.StartsWith('{'))))
            .OrderByDescending(p => p.Item3)
            .ToList();

        // Every component schema, once, under $defs of one registered schema that the response
        // schemas point into; the document's own "#/components/schemas/X" references are rewritten.
        var defs = new JsonObject();
        foreach (var (name, schema) in _document["components"]?["schemas"]?.AsObject() ?? [])
        {
            defs[name] = Rewrite(schema!.DeepClone());
        }

        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Base,
            ["$defs"] = defs,
        };
        JsonSchema.FromText(root.ToJsonString(), _build);
    }

    /// <summary>The documented template a request path falls under, or null when the document has none.</summary>
    public string? TemplateOf(string path) => _paths.FirstOrDefault(p => p.Pattern.IsMatch(path)).Template;

    /// <summary>The differences between a response and the document (none: an empty list).</summary>
    public IReadOnlyList<string> Check(string method, string path, int status, string? mediaType, string body)
    {
        var template = TemplateOf(path);
        if (template is null)
        {
            // Routes outside the document (the document itself, the reference page) are not the API's contract.
            return path.StartsWith("/api/", StringComparison.Ordinal) && status != 404 && status != 405
                ? [$"{method} {path} answered {status}, but no route of the document matches it"]
                : [];
        }

        var operation = _document["paths"]![template]![method.ToLowerInvariant()];
        if (operation is null)
        {
            return status == 405 ? [] : [$"{method} {template} answered {status}, but the document has no such operation"];
        }

        var name = $"{method} {template}";
        var responses = operation["responses"]!.AsObject();
        var response = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"];
        if (response is null)
        {
            return [$"{name} answered {status}, which the document does not list ({string.Join(", ", responses.Select(r => r.Key))}): {Clip(body)}"];
        }

        if (response["content"] is not JsonObject { Count: > 0 } content)
        {
            return body.Length == 0 ? [] : [$"{name} {status}: the document says no body, but one came ({mediaType}): {Clip(body)}"];
        }

        if (mediaType is null)
        {
            return body.Length == 0 && status == 304 ? [] : [$"{name} {status}: no media type, the document lists {string.Join(", ", content.Select(c => c.Key))}"];
        }

        var entry = content[mediaType] ?? content.FirstOrDefault(c => c.Key == "*/*").Value;
        if (entry is null)
        {
            return [$"{name} {status}: media type {mediaType} is not one the document lists ({string.Join(", ", content.Select(c => c.Key))})"];
        }

        if (entry["schema"] is not JsonObject schema || !IsJson(mediaType))
        {
            return [];
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return [$"{name} {status}: the body is not JSON ({e.Message}): {Clip(body)}"];
        }

        using (parsed)
        {
            var key = $"{template}|{method}|{status}|{mediaType}";
            var compiled = _schemas.GetOrAdd(key, _ => Compile(schema));
            var result = compiled.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (result.IsValid)
            {
                return [];
            }

            var errors = (result.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
                .Take(8);
            return [$"{name} {status} {mediaType}: the body does not match the document's schema:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", errors) + Environment.NewLine + "  body: " + Clip(body)];
        }
    }

    private JsonSchema Compile(JsonObject schema)
    {
        var own = Rewrite(schema.DeepClone()).AsObject();
        own["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        return JsonSchema.FromText(own.ToJsonString(), _build, new Uri($"https://fieldwork.test/responses/{Guid.NewGuid():N}"));
    }

    /// <summary>"#/components/schemas/X" becomes a reference to X under the registered $defs.</summary>
    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "$ref" && value is JsonValue v && v.GetValue<string>() is var target && target.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        o[key] = Base + "#/$defs/" + target["#/components/schemas/".Length..];
                    }
                    else if (value is not null)
                    {
                        Rewrite(value);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        Rewrite(item);
                    }
                }

                break;
        }

        return node;
    }

    private static bool IsJson(string mediaType) => mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    private static string Clip(string body) => body.Length > 400 ? body[..400] + "…" : body;
}

/// <summary>
/// Sends requests to the test host and checks every answer against <see cref="Contract"/>: a
/// response the document does not describe throws <see cref="ContractViolation"/>.
/// </summary>
public sealed class ContractCheckingHandler(Contract contract, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var differences = contract.Check(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType, body);
        if (differences.Count > 0)
        {
            throw new ContractViolation(string.Join(Environment.NewLine, differences));
        }

        return response;
    }
}

public sealed class ContractViolation(string message) : Exception("The response differs from the OpenAPI document: " + message);
