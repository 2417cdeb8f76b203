using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Resilience;

/// <summary>
/// A corpus of bad requests to every POST route, derived from the OpenAPI document: each route's
/// request schema says which fields exist, which are required and of what type and format, and
/// each case breaks one thing of a request that is otherwise valid (the world's). A route added
/// to the API is covered from then on: the test fails until the world has a valid request for it.
/// Every answer must be a 4xx problem, and no event may be written.
/// </summary>
public sealed partial class when_sending_hostile_input(AppFixture app) : ApiTest(app)
{
    private const string Script = "<script>alert('fieldwork')</script>";
    private const string Sql = "'; drop table fieldwork.mt_events; --";
    private const string Marker = "HOSTILE-MARKER-7f3a";

    /// <summary>Longer than any text field allows (the longest, a text version, allows 5 MB), within the 16 MB body limit.</summary>
    private const int HugeString = 6 * 1024 * 1024;

    /// <summary>More items than any list field allows (the longest allows 200).</summary>
    private const int HugeArray = 10_000;

    /// <summary>One bad request: its body is made when it is sent (some are megabytes).</summary>
    private sealed record Case(string Route, string Name, string Url, string? User, Func<byte[]> Body,
        string ContentType = "application/json", HttpStatusCode? Expected = null);

    [Fact]
    public async Task every_bad_request_to_every_post_route_is_a_4xx_problem_and_writes_nothing()
    {
        var document = (await Get("/openapi/v1.json", null)).ShouldBe(HttpStatusCode.OK).Json.AsObject();
        var routes = PostRoutes(document);
        var world = await BuildWorldAsync();
        var uncovered = routes.Keys.Except(world.Valid.Keys).ToList();
        Assert.True(uncovered.Count == 0, "POST routes without a valid request in the world: " + string.Join(", ", uncovered));

        var cases = routes.SelectMany(r => CasesFor(r.Key, r.Value, world.Valid[r.Key], world, document)).ToList();
        Assert.True(cases.Count >= 300, $"only {cases.Count} cases");

        var before = await App.EventCountAsync();
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var reply = await SendBytesAsync(c);
            var status = (int)reply.Status;
            var fine = status is >= 400 and < 500
                && reply.ContentType == "application/problem+json"
                && (c.Expected is null || reply.Status == c.Expected);
            if (!fine)
            {
                failures.Add($"{c.Route} [{c.Name}]: {status} {reply.ContentType} {(reply.Body.Length > 300 ? reply.Body[..300] : reply.Body)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases were not a 4xx problem:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures.Take(60)));
        Assert.Equal(before, await App.EventCountAsync());

        // Each case broke one thing only: the requests they were made from are accepted as they are.
        foreach (var (route, valid) in world.Valid)
        {
            var reply = await Send(HttpMethod.Post, valid.Url, valid.User, valid.Body.ToJsonString());
            Assert.True((int)reply.Status is >= 200 and < 300, $"the world's request for {route} was refused: {(int)reply.Status} {reply.Body}");
        }

        // Fields the document does not require may be left out or null: whatever the answer (2xx
        // or a rule's 4xx), never a 5xx, which would be a handler trusting a field no rule checks.
        var lax = new List<string>();
        foreach (var (route, schema) in routes.Where(r => r.Value is not null))
        {
            var valid = world.Valid[route];
            var required = (schema!["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            foreach (var name in valid.Body.Select(p => p.Key).Where(k => !required.Contains(k)).ToList())
            {
                foreach (var (label, body) in new[] { ("left out", With(valid.Body, o => o.Remove(name))), ("null", With(valid.Body, o => o[name] = null)) })
                {
                    if (body.ContainsKey("id") && name != "id")
                    {
                        body["id"] = Guid.NewGuid();
                    }

                    var reply = await Send(HttpMethod.Post, valid.Url, valid.User, body.ToJsonString());
                    if ((int)reply.Status >= 500)
                    {
                        lax.Add($"{route} [{name} {label}]: {(int)reply.Status} {reply.Body}");
                    }
                }
            }
        }

        Assert.True(lax.Count == 0, string.Join(Environment.NewLine, lax));
    }

    [Fact]
    public async Task sql_and_script_in_free_text_are_kept_as_written_and_never_run()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "EX1");
        var wave = (await Post($"/api/evaluations/{evaluation}/waves", lead, new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var notes = $"The ward clerk typed {Sql} into the search box; the intranet showed {Script} as text.";
        var id = (await Post($"/api/evaluations/{evaluation}/observations", lead, new
        {
            occurredOn = "2018-03-05",
            waveId = wave,
            siteIds = new[] { site },
            setting = "meeting",
            durationMinutes = 30,
            fieldNotes = notes,
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        var item = (await Get($"/api/evaluations/{evaluation}/evidence/{id}", lead)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(notes, item.Json["texts"]![0]!["text"]!.GetValue<string>());
        // Served as JSON that browsers must not sniff into HTML, so the script is never run either.
        Assert.Equal("application/json", item.ContentType);
        Assert.Equal("nosniff", item.Response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(await App.EventCountAsync() > 0, "the event table is still there");
    }

    /// <summary>Every POST route of the document with its request body's schema (null when it takes no body).</summary>
    private static Dictionary<string, JsonObject?> PostRoutes(JsonObject document) =>
        document["paths"]!.AsObject()
            .Where(p => p.Value?["post"] is JsonObject)
            .ToDictionary(p => p.Key, p => p.Value!["post"]!["requestBody"]?["content"]?["application/json"]?["schema"] is JsonObject schema
                ? Resolve(document, schema)
                : null);

    private static IEnumerable<Case> CasesFor(string route, JsonObject? schema, ValidRequest valid, World world, JsonObject document)
    {
        var url = valid.Url;
        var user = valid.User;
        byte[] Raw(string text) => Encoding.UTF8.GetBytes(text);
        Case Bad(string name, Func<byte[]> body, string contentType = "application/json", HttpStatusCode? expected = null) =>
            new(route, name, url, user, body, contentType, expected);

        // Who sends it.
        yield return new Case(route, "no token", url, null, () => Raw(valid.Body.ToJsonString()), Expected: HttpStatusCode.Unauthorized);
        if (route.Contains("{evaluationId}", StringComparison.Ordinal))
        {
            yield return new Case(route, "a stranger's token", url, NewUser("stranger"), () => Raw(valid.Body.ToJsonString()),
                Expected: HttpStatusCode.NotFound);
        }

        foreach (var c in RouteIdCases(route, valid, world))
        {
            yield return c;
        }

        if (schema is null)
        {
            yield break; // a route without a body: nothing more to break
        }

        // What it is.
        yield return Bad("text/plain", () => Raw(valid.Body.ToJsonString()), "text/plain", HttpStatusCode.UnsupportedMediaType);
        yield return Bad("application/xml", () => Raw("<evaluation><name>x</name></evaluation>"), "application/xml", HttpStatusCode.UnsupportedMediaType);
        yield return Bad("form", () => Raw("name=x&startsOn=2018-01-01"), "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType);
        yield return Bad("17 MB body", () => Raw($$"""{ "padding": "{{new string('x', 17 * 1024 * 1024)}}" }"""), expected: HttpStatusCode.RequestEntityTooLarge);
        foreach (var text in new[] { "", "{", "{\"a\":}", "not json", "null", "[]", "42", "\"text\"", "{\"a\": 1,}", "{'single': 'quotes'}" })
        {
            yield return Bad($"not a JSON object: {text}", () => Raw(text));
        }

        yield return Bad("extra field", () => Raw(With(valid.Body, o => o["unexpectedField"] = "x").ToJsonString()));
        yield return Bad("extra field holding SQL", () => Raw(With(valid.Body, o => o[Sql] = Sql).ToJsonString()));
        yield return Bad("duplicate field", () =>
        {
            var json = valid.Body.ToJsonString(); // ends with the body's own closing brace: add the copy before it
            var (key, value) = valid.Body.First();
            return Raw($"{json[..^1]}{(valid.Body.Count > 0 ? "," : "")}\"{key}\":{value?.ToJsonString() ?? "null"}}}");
        });

        if (valid.Body.FirstOrDefault(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).Key is { } text1)
        {
            yield return Bad($"invalid UTF-8 in {text1}", () => InvalidUtf8(With(valid.Body, o => o[text1] = Marker)));
        }

        if (valid.Body.Count > 0)
        {
            var first = valid.Body.First().Key;
            yield return Bad($"{first} nested 1,000 arrays deep", () => Raw(With(valid.Body, o => o[first] = Marker).ToJsonString()
                .Replace($"\"{Marker}\"", new string('[', 1000) + new string(']', 1000), StringComparison.Ordinal)));
            yield return Bad($"{first} nested 40 objects deep", () => Raw(With(valid.Body, o => o[first] = Marker).ToJsonString()
                .Replace($"\"{Marker}\"", string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40), StringComparison.Ordinal)));
        }

        // Each field, broken one at a time, from what the schema says it is.
        foreach (var c in FieldCases(document, schema, valid.Body, []))
        {
            yield return Bad(c.Name, () => Raw(c.Body.ToJsonString()));
        }

        // Ranges the wrong way round.
        foreach (var (from, to) in new[] { ("startsOn", "endsOn"), ("start", "end"), ("from", "to") })
        {
            if (valid.Body[from] is JsonValue a && valid.Body[to] is JsonValue b && a.ToJsonString() != b.ToJsonString())
            {
                yield return Bad($"{from} after {to}", () => Raw(With(valid.Body, o =>
                {
                    o[from] = b.DeepClone();
                    o[to] = a.DeepClone();
                }).ToJsonString()));
            }
        }
    }

    /// <summary>Ids in the route: another evaluation's (with the same lead), unknown, not an id at all.</summary>
    private static IEnumerable<Case> RouteIdCases(string route, ValidRequest valid, World world)
    {
        byte[] Body() => Encoding.UTF8.GetBytes(valid.Body.ToJsonString());
        var template = route.Split('/');
        var actual = valid.Url.Split('/');
        for (var i = 0; i < template.Length; i++)
        {
            if (!template[i].StartsWith('{'))
            {
                continue;
            }

            var at = i;
            string Swap(string value) => string.Join('/', actual.Select((s, j) => j == at ? value : s));
            if (template[i] == "{evaluationId}")
            {
                yield return new Case(route, "another evaluation of the same lead", Swap(world.Other.ToString()), valid.User, Body);
            }

            yield return new Case(route, $"unknown {template[i]}", Swap(Guid.NewGuid().ToString()), valid.User, Body);
            yield return new Case(route, $"{template[i]} not an id", Swap("1%27%20or%20%271%27%3D%271"), valid.User, Body);
        }
    }

    /// <summary>Bodies that each break one field (at <paramref name="path"/> inside the body) the way its schema says it cannot be.</summary>
    private static IEnumerable<(string Name, JsonObject Body)> FieldCases(JsonObject document, JsonObject schema, JsonObject body, string[] path)
    {
        var required = (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
        var properties = schema["properties"] as JsonObject ?? [];
        var here = Navigate(body, path);
        foreach (var (name, value) in here.ToList())
        {
            if (properties[name] is not JsonObject raw)
            {
                continue;
            }

            var field = Resolve(document, raw);
            var nullable = IsNullable(field);
            var type = TypeOf(field);
            var format = field["format"]?.GetValue<string>();
            var label = string.Join('.', path.Append(name));
            JsonObject Set(JsonNode? replacement) => With(body, o => Navigate(o, path)[name] = replacement);

            if (required.Contains(name))
            {
                yield return ($"{label} missing", With(body, o => Navigate(o, path).Remove(name)));
            }

            if (!nullable)
            {
                yield return ($"{label} null", Set(null));
            }

            var enumeration = field["enum"] is JsonArray;
            switch (type)
            {
                case "string" when format == "uuid":
                    yield return ($"{label} not a uuid", Set("not-a-uuid"));
                    yield return ($"{label} SQL", Set(Sql));
                    yield return ($"{label} a number", Set(12345));
                    if (name != "id")
                    {
                        yield return ($"{label} unknown id", Set(Guid.NewGuid()));
                    }

                    break;
                case "string" when format is "date" or "date-time":
                    yield return ($"{label} 30 February", Set("2018-02-30"));
                    yield return ($"{label} month 13", Set("2018-13-01"));
                    yield return ($"{label} day/month/year", Set("01/02/2018"));
                    yield return ($"{label} script", Set(Script));
                    yield return ($"{label} SQL", Set("2018-01-01' or '1'='1"));
                    yield return ($"{label} empty", Set(""));
                    break;
                case "string" when enumeration:
                    yield return ($"{label} script", Set(Script));
                    yield return ($"{label} SQL", Set(Sql));
                    yield return ($"{label} a number", Set(7));
                    break;
                case "string":
                    yield return ($"{label} a number", Set(12345));
                    yield return ($"{label} an array", Set(new JsonArray("x")));
                    yield return ($"{label} {HugeString:N0} characters", Set(new string('x', HugeString)));
                    break;
                case "integer":
                    yield return ($"{label} a string", Set("12"));
                    yield return ($"{label} a fraction", Set(1.5));
                    yield return ($"{label} over 32 bits", Set(2147483648L));
                    yield return ($"{label} negative", Set(-1));
                    break;
                case "number":
                    yield return ($"{label} a string", Set("1.5"));
                    break;
                case "boolean":
                    yield return ($"{label} a string", Set("yes"));
                    yield return ($"{label} a number", Set(1));
                    break;
                case "array":
                    yield return ($"{label} an object", Set(new JsonObject { ["a"] = 1 }));
                    yield return ($"{label} a string", Set("x"));
                    yield return ($"{label} holding null", Set(new JsonArray((JsonNode?)null)));
                    var item = value is JsonArray { Count: > 0 } list ? list[0]!.ToJsonString() : "\"x\"";
                    yield return ($"{label} {HugeArray:N0} items", Set(JsonNode.Parse("[" + string.Join(',', Enumerable.Repeat(item, HugeArray)) + "]")));
                    break;
                case "object":
                    yield return ($"{label} a string", Set("x"));
                    yield return ($"{label} an array", Set(new JsonArray()));
                    if (value is JsonObject && path.Length < 3)
                    {
                        foreach (var inner in FieldCases(document, field, body, [.. path, name]))
                        {
                            yield return inner;
                        }
                    }

                    break;
            }
        }
    }

    private static JsonObject Navigate(JsonObject body, string[] path) =>
        path.Aggregate(body, (node, key) => node[key]!.AsObject());

    /// <summary>A copy of <paramref name="body"/> with <paramref name="change"/> made to it.</summary>
    private static JsonObject With(JsonObject body, Action<JsonObject> change)
    {
        var copy = body.DeepClone().AsObject();
        change(copy);
        return copy;
    }

    /// <summary>The body as UTF-8 with the marker's bytes replaced by a byte sequence that is not UTF-8.</summary>
    private static byte[] InvalidUtf8(JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var marker = Encoding.UTF8.GetBytes(Marker);
        var at = bytes.AsSpan().IndexOf(marker);
        return [.. bytes[..at], 0xC3, 0x28, 0xFF, 0xFE, .. bytes[(at + marker.Length)..]];
    }

    /// <summary>Follows $ref, and the oneOf/anyOf of a nullable reference, to the schema that says what a value is.</summary>
    private static JsonObject Resolve(JsonObject document, JsonObject schema)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference.Split('/')[^1];
            return Resolve(document, document["components"]!["schemas"]![name]!.AsObject());
        }

        foreach (var key in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema[key] is JsonArray options && options.OfType<JsonObject>().FirstOrDefault(o => TypeOf(o) != "null") is { } real)
            {
                var resolved = Resolve(document, real).DeepClone().AsObject();
                if (options.OfType<JsonObject>().Any(o => TypeOf(o) == "null"))
                {
                    resolved["nullable"] = true;
                }

                return resolved;
            }
        }

        return schema;
    }

    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => schema["enum"] is JsonArray ? "string" : schema["properties"] is JsonObject ? "object" : null,
    };

    private static bool IsNullable(JsonObject schema) =>
        schema["nullable"]?.GetValue<bool>() == true
        || (schema["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "null"))
        || (schema["enum"] is JsonArray values && values.Any(v => v is null));

    private async Task<Reply> SendBytesAsync(Case c)
    {
        using var client = App.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, c.Url);
        if (c.User is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", App.TokenFor(c.User));
        }

        request.Content = new ByteArrayContent(c.Body());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(c.ContentType);
        var response = await client.SendAsync(request);
        return new Reply(response.StatusCode, response, await response.Content.ReadAsStringAsync());
    }
}
