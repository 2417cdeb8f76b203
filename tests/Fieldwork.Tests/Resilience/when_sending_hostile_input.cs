using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Resilience;

/// <summary>
/// A corpus of bad requests to every POST and PUT route, derived from the OpenAPI document: each route's
/// request schema says which fields exist, which are required, of what type and format, and for a
/// text whether it is a single line (and how long) or a long text; each case breaks one thing of a
/// request that is otherwise valid (the world's), the way a fuzzer would: wrong types, control
/// characters, lone surrogates, noncharacters, direction overrides, bad UTF-8, numbers no integer
/// field takes, repeated fields, deep nesting, a byte order mark. A route added to the API is
/// covered from then on: the test fails until the world has a valid request for it. Every answer
/// must be a 4xx problem, and nothing may be written: no event, no row in any table.
/// </summary>
public sealed partial class when_sending_hostile_input(AppFixture app) : ApiTest(app)
{
    private const string Script = "<script>alert('fieldwork')</script>";
    private const string Sql = "'; drop table fieldwork.mt_events; --";
    private const string Marker = "HOSTILE-MARKER-7f3a";

    /// <summary>Longer than any text field allows (the longest, a text version, allows 5 MB), within the 16 MB body limit.</summary>
    private const int HugeString = 6 * 1024 * 1024;

    /// <summary>What no text field takes (docs/api.md, "Characters and text"), each inside an otherwise ordinary value.</summary>
    private static readonly (string What, string Text)[] RefusedEverywhere =
    [
        ("NUL", "a\u0000b"), ("a C0 control", "a\u0001b"), ("escape (C0)", "a\u001B[31mb"), ("unit separator (C0)", "a\u001Fb"),
        ("DEL", "a\u007Fb"), ("a C1 control", "a\u0080b"), ("NEL (C1)", "a\u0085b"), ("the last C1 control", "a\u009Fb"),
        ("noncharacter U+FDD0", "a\uFDD0b"), ("noncharacter U+FFFE", "a\uFFFEb"), ("noncharacter U+FFFF", "a\uFFFFb"),
        ("noncharacter U+10FFFF", "a\U0010FFFFb"),
    ];

    /// <summary>What a long text takes and a single-line field does not.</summary>
    private static readonly (string What, string Text)[] RefusedInOneLine =
    [
        ("a tab", "a\tb"), ("a line feed", "a\nb"), ("a carriage return", "a\rb"), ("a line separator", "a\u2028b"),
        ("a right-to-left override", "a\u202Eb"), ("a left-to-right isolate", "a\u2066b"),
        ("a leading space", " ab"), ("a trailing space", "ab "), ("a leading no-break space", "\u00A0ab"), ("only a space", " "),
    ];

    /// <summary>More items than any list field allows (the longest allows 200).</summary>
    private const int HugeArray = 10_000;

    /// <summary>One bad request: its body is made when it is sent (some are megabytes).</summary>
    private sealed record Case(string Route, string Name, string Url, string? User, Func<byte[]> Body,
        string ContentType = "application/json", HttpStatusCode? Expected = null, string Method = "POST");

    [Fact]
    public async Task every_bad_request_to_every_post_and_put_route_is_a_4xx_problem_and_writes_nothing()
    {
        var document = (await Get("/openapi/v1.json", null)).ShouldBe(HttpStatusCode.OK).Json.AsObject();
        var routes = WriteRoutes(document);
        var world = await BuildWorldAsync();
        var uncovered = routes.Keys.Except(world.Valid.Keys).ToList();
        Assert.True(uncovered.Count == 0, "POST and PUT routes without a valid request in the world: " + string.Join(", ", uncovered));
        var misnamed = routes.Where(r => r.Value.Method != world.Valid[r.Key].Method).Select(r => r.Key).ToList();
        Assert.True(misnamed.Count == 0, "valid requests of the world with another method than their route's: " + string.Join(", ", misnamed));

        var cases = routes.SelectMany(r => CasesFor(r.Key, r.Value.Schema, world.Valid[r.Key], world, document)
            .Select(c => c with { Method = r.Value.Method })).ToList();
        Assert.True(cases.Count >= 2500, $"only {cases.Count} cases");
        Assert.Contains(cases, c => c.Name.EndsWith("a right-to-left override", StringComparison.Ordinal)); // the document marks single lines

        var before = await App.EventCountAsync();
        var tables = await App.TableCountsAsync();
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
        Assert.Equal(tables, await App.TableCountsAsync());

        // Each case broke one thing only: the requests they were made from are accepted as they are.
        foreach (var (route, valid) in world.Valid)
        {
            var reply = await Send(new HttpMethod(valid.Method), valid.Url, valid.User, valid.Body.ToJsonString());
            Assert.True((int)reply.Status is >= 200 and < 300, $"the world's request for {route} was refused: {(int)reply.Status} {reply.Body}");
        }

        // Fields the document does not require may be left out or null: whatever the answer (2xx
        // or a rule's 4xx), never a 5xx, which would be a handler trusting a field no rule checks.
        var lax = new List<string>();
        foreach (var (route, schema) in routes.Where(r => r.Value.Schema is not null).Select(r => (r.Key, r.Value.Schema)))
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

                    var reply = await Send(new HttpMethod(valid.Method), valid.Url, valid.User, body.ToJsonString());
                    if ((int)reply.Status >= 500)
                    {
                        lax.Add($"{route} [{name} {label}]: {(int)reply.Status} {reply.Body}");
                    }
                }
            }
        }

        Assert.True(lax.Count == 0, string.Join(Environment.NewLine, lax));

        // What the policy lets through gets through: a long text keeps tabs, line ends and direction
        // controls, and -0 is read as 0. A rule may still refuse the request (409 for a version that
        // has moved on, 400 where 0 is out of range), but not for the character, and never with a 5xx.
        var letThrough = new List<string>();
        bool RefusedFor(Reply reply, string field) => reply.Status == HttpStatusCode.BadRequest && reply.Json["errors"]?[field] is not null;
        foreach (var (route, schema) in routes.Where(r => r.Value.Schema is not null).Select(r => (r.Key, r.Value.Schema)))
        {
            var valid = world.Valid[route];
            var properties = schema!["properties"] as JsonObject ?? [];
            foreach (var (name, value) in valid.Body.ToList())
            {
                var field = properties[name] is JsonObject raw ? Resolve(document, raw) : [];
                if (field["x-text"]?.GetValue<string>() == "long" && value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    foreach (var extra in new[] { "\tindented", "\r\nnext line\n", "\u202E\u05E9\u05DC\u05D5\u05DD\u202C", "\u2028" })
                    {
                        var reply = await Send(new HttpMethod(valid.Method), valid.Url, valid.User, Fresh(valid.Body, name, JsonValue.Create(text + extra).ToJsonString()));
                        if ((int)reply.Status >= 500 || RefusedFor(reply, name))
                        {
                            letThrough.Add($"{route} [{name} holding {JsonValue.Create(extra).ToJsonString()}]: {(int)reply.Status} {reply.Body}");
                        }
                    }
                }

                if (TypeOf(field) == "integer")
                {
                    var negativeZero = await Send(new HttpMethod(valid.Method), valid.Url, valid.User, Fresh(valid.Body, name, "-0"));
                    var zero = await Send(new HttpMethod(valid.Method), valid.Url, valid.User, Fresh(valid.Body, name, "0"));
                    if ((int)negativeZero.Status >= 500 || RefusedFor(negativeZero, name) != RefusedFor(zero, name))
                    {
                        letThrough.Add($"{route} [{name} -0, answered unlike 0]: {(int)negativeZero.Status} {negativeZero.Body}");
                    }
                }
            }
        }

        Assert.True(letThrough.Count == 0, string.Join(Environment.NewLine, letThrough));
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

    /// <summary>
    /// Every POST and PUT route of the document, with its method and its request body's schema (null
    /// when it takes no body). The world keys its requests by path alone: no path takes both.
    /// </summary>
    private static Dictionary<string, (string Method, JsonObject? Schema)> WriteRoutes(JsonObject document) =>
        document["paths"]!.AsObject()
            .SelectMany(p => new[] { "post", "put" }.Where(m => p.Value?[m] is JsonObject).Select(m => (Path: p.Key, Method: m, Operation: p.Value![m]!)))
            // Routes that take a file rather than JSON have hostile cases of their own (when_importing_refi_qda).
            .Where(r => r.Operation["requestBody"]?["content"] is not JsonObject content || content.ContainsKey("application/json"))
            .ToDictionary(r => r.Path, r => (r.Method.ToUpperInvariant(),
                r.Operation["requestBody"]?["content"]?["application/json"]?["schema"] is JsonObject schema ? Resolve(document, schema) : null));

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
        // Parsers disagree on which copy of a field wins: each field given twice, the second time with the same value.
        foreach (var (key, value) in valid.Body)
        {
            yield return Bad($"{key} given twice", () =>
            {
                var json = valid.Body.ToJsonString(); // ends with the body's own closing brace: add the copy before it
                return Raw($"{json[..^1]},\"{key}\":{value?.ToJsonString() ?? "null"}}}");
            });
        }

        // How it is encoded.
        yield return Bad("a UTF-8 byte order mark before the JSON", () => [0xEF, 0xBB, 0xBF, .. Raw(valid.Body.ToJsonString())]);
        yield return Bad("UTF-16 with its byte order mark", () => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(valid.Body.ToJsonString())]);
        yield return Bad("invalid UTF-8 outside any string", () => [(byte)'{', 0xFF, .. Raw(valid.Body.ToJsonString())[1..]]);
        yield return Bad("a NUL byte outside any string", () => [(byte)'{', 0x00, .. Raw(valid.Body.ToJsonString())[1..]]);
        yield return Bad("a second JSON text after the object", () => Raw(valid.Body.ToJsonString() + "{}"));
        yield return Bad("the body nested 10,000 arrays deep", () => Raw(new string('[', 10_000) + new string(']', 10_000)));

        if (valid.Body.Count > 0)
        {
            var first = valid.Body.First().Key;
            yield return Bad($"{first} nested 10,000 arrays deep", () => Raw(With(valid.Body, o => o[first] = Marker).ToJsonString()
                .Replace($"\"{Marker}\"", new string('[', 10_000) + new string(']', 10_000), StringComparison.Ordinal)));
            yield return Bad($"{first} nested 40 objects deep", () => Raw(With(valid.Body, o => o[first] = Marker).ToJsonString()
                .Replace($"\"{Marker}\"", string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40), StringComparison.Ordinal)));
        }

        // Each field, broken one at a time, from what the schema says it is.
        foreach (var c in FieldCases(document, schema, valid.Body, []))
        {
            yield return Bad(c.Name, c.Body);
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
    private static IEnumerable<(string Name, Func<byte[]> Body)> FieldCases(JsonObject document, JsonObject schema, JsonObject body, string[] path)
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
                yield return ($"{label} missing", Json(With(body, o => Navigate(o, path).Remove(name))));
            }

            if (!nullable)
            {
                yield return ($"{label} null", Json(Set(null)));
            }

            var enumeration = field["enum"] is JsonArray;
            switch (type)
            {
                case "string" when format == "uuid":
                    yield return ($"{label} not a uuid", Json(Set("not-a-uuid")));
                    yield return ($"{label} SQL", Json(Set(Sql)));
                    yield return ($"{label} a number", Json(Set(12345)));
                    if (name != "id")
                    {
                        yield return ($"{label} unknown id", Json(Set(Guid.NewGuid())));
                    }

                    break;
                case "string" when format is "date" or "date-time":
                    yield return ($"{label} 30 February", Json(Set("2018-02-30")));
                    yield return ($"{label} month 13", Json(Set("2018-13-01")));
                    yield return ($"{label} day/month/year", Json(Set("01/02/2018")));
                    yield return ($"{label} script", Json(Set(Script)));
                    yield return ($"{label} SQL", Json(Set("2018-01-01' or '1'='1")));
                    yield return ($"{label} empty", Json(Set("")));
                    break;
                case "string" when enumeration:
                    yield return ($"{label} script", Json(Set(Script)));
                    yield return ($"{label} SQL", Json(Set(Sql)));
                    yield return ($"{label} a number", Json(Set(7)));
                    break;
                case "string":
                    yield return ($"{label} a number", Json(Set(12345)));
                    yield return ($"{label} an array", Json(Set(new JsonArray("x"))));
                    yield return ($"{label} {HugeString:N0} characters", Json(Set(new string('x', HugeString))));
                    foreach (var (what, text) in RefusedEverywhere)
                    {
                        yield return ($"{label} {what}", Json(Set(text)));
                    }

                    // A .NET string holding half a surrogate pair cannot be written as JSON: these go as escapes.
                    yield return ($"{label} escaped lone high surrogate", Literal(Set(Marker), "\"a\\ud800b\""));
                    yield return ($"{label} escaped lone low surrogate", Literal(Set(Marker), "\"\\udc00b\""));
                    yield return ($"{label} escaped reversed pair", Literal(Set(Marker), "\"\\ude00\\ud83d\""));
                    yield return ($"{label} escaped NUL", Literal(Set(Marker), "\"a\\u0000b\""));
                    yield return ($"{label} invalid UTF-8", Bytes(Set(Marker), [0xC3, 0x28, 0xFF, 0xFE]));
                    yield return ($"{label} overlong UTF-8 NUL", Bytes(Set(Marker), [0xC0, 0x80]));
                    yield return ($"{label} UTF-8 encoded surrogate", Bytes(Set(Marker), [0xED, 0xA0, 0x80]));
                    yield return ($"{label} truncated UTF-8", Bytes(Set(Marker), [0x61, 0xE2, 0x82]));
                    if (field["x-text"]?.GetValue<string>() == "singleLine")
                    {
                        foreach (var (what, text) in RefusedInOneLine)
                        {
                            yield return ($"{label} {what}", Json(Set(text)));
                        }

                        var max = field["maxLength"]!.GetValue<int>();
                        yield return ($"{label} {max + 1:N0} characters (its maximum is {max:N0})", Json(Set(new string('x', max + 1))));
                    }

                    break;
                case "integer":
                    yield return ($"{label} a string", Json(Set("12")));
                    yield return ($"{label} a fraction", Json(Set(1.5)));
                    yield return ($"{label} over 32 bits", Json(Set(2147483648L)));
                    yield return ($"{label} negative", Json(Set(-1)));
                    yield return ($"{label} 1e400", Literal(Set(Marker), "1e400"));
                    yield return ($"{label} an exponent", Literal(Set(Marker), "1e1"));
                    yield return ($"{label} 1.0", Literal(Set(Marker), "1.0"));
                    yield return ($"{label} a hexadecimal", Literal(Set(Marker), "0x10"));
                    yield return ($"{label} NaN", Literal(Set(Marker), "NaN"));
                    yield return ($"{label} a leading zero", Literal(Set(Marker), "012"));
                    break;
                case "number":
                    yield return ($"{label} a string", Json(Set("1.5")));
                    yield return ($"{label} 1e400", Literal(Set(Marker), "1e400"));
                    yield return ($"{label} -1e400", Literal(Set(Marker), "-1e400"));
                    yield return ($"{label} Infinity", Literal(Set(Marker), "Infinity"));
                    break;
                case "boolean":
                    yield return ($"{label} a string", Json(Set("yes")));
                    yield return ($"{label} a number", Json(Set(1)));
                    break;
                case "array":
                    yield return ($"{label} an object", Json(Set(new JsonObject { ["a"] = 1 })));
                    yield return ($"{label} a string", Json(Set("x")));
                    yield return ($"{label} holding null", Json(Set(new JsonArray((JsonNode?)null))));
                    var item = value is JsonArray { Count: > 0 } list ? list[0]!.ToJsonString() : "\"x\"";
                    yield return ($"{label} {HugeArray:N0} items", Json(Set(JsonNode.Parse("[" + string.Join(',', Enumerable.Repeat(item, HugeArray)) + "]"))));
                    break;
                case "object":
                    yield return ($"{label} a string", Json(Set("x")));
                    yield return ($"{label} an array", Json(Set(new JsonArray())));
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

    /// <summary>
    /// The body as JSON text with <paramref name="name"/> written as <paramref name="literal"/>, and a
    /// fresh id if it takes one (so that a create is not a repeat of the last).
    /// </summary>
    private static string Fresh(JsonObject body, string name, string literal) =>
        With(body, o =>
        {
            o[name] = Marker;
            if (o.ContainsKey("id") && name != "id")
            {
                o["id"] = Guid.NewGuid();
            }
        }).ToJsonString().Replace($"\"{Marker}\"", literal, StringComparison.Ordinal);

    private static Func<byte[]> Json(JsonObject body) => () => Encoding.UTF8.GetBytes(body.ToJsonString());

    /// <summary>The body with the marker's JSON string, quotes and all, replaced by <paramref name="json"/> as written.</summary>
    private static Func<byte[]> Literal(JsonObject body, string json) =>
        () => Encoding.UTF8.GetBytes(body.ToJsonString().Replace($"\"{Marker}\"", json, StringComparison.Ordinal));

    /// <summary>The body as UTF-8 with the marker's bytes (inside its quotes) replaced by <paramref name="replacement"/>.</summary>
    private static Func<byte[]> Bytes(JsonObject body, byte[] replacement) => () =>
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var marker = Encoding.UTF8.GetBytes(Marker);
        var at = bytes.AsSpan().IndexOf(marker);
        return [.. bytes[..at], .. replacement, .. bytes[(at + marker.Length)..]];
    };

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
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Url);
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
