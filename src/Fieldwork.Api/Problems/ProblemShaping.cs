using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Fieldwork.Api.Problems;

/// <summary>
/// Gives every problem response of the API one shape, whoever wrote it (our endpoints, ASP.NET's
/// status pages and exception handler, or Wolverine): <c>type</c> is the RFC 9110 section of the
/// status, and every 400 has <c>errors</c> keyed by the camelCase field (of the body or the
/// query) with messages that say what a valid value looks like. Wolverine answers an unreadable
/// body ("Invalid JSON format", in <c>HttpHandler.ReadJsonAsync</c>) and an unparseable query
/// value ("Invalid query string value", in <c>HttpHandler.WriteQueryValueParsingProblem</c>) with
/// problems of its own, which carry .NET type names and their own type URI; both are reshaped here.
/// </summary>
public static partial class ProblemShaping
{
    public const string InvalidTitle = "One or more validation errors occurred.";
    public const string InvalidDetail = "The request is not valid; see 'errors'.";

    /// <summary>The longest field name echoed back as a key of <c>errors</c>.</summary>
    private const int MaxEchoedName = 100;

    /// <summary>The one type URI scheme: the RFC section that defines the status (RFC 9110; 429 is RFC 6585's).</summary>
    private static readonly Dictionary<int, string> Sections = new()
    {
        [400] = "rfc9110#section-15.5.1",
        [401] = "rfc9110#section-15.5.2",
        [403] = "rfc9110#section-15.5.4",
        [404] = "rfc9110#section-15.5.5",
        [405] = "rfc9110#section-15.5.6",
        [406] = "rfc9110#section-15.5.7",
        [408] = "rfc9110#section-15.5.9",
        [409] = "rfc9110#section-15.5.10",
        [411] = "rfc9110#section-15.5.12",
        [412] = "rfc9110#section-15.5.13",
        [413] = "rfc9110#section-15.5.14",
        [414] = "rfc9110#section-15.5.15",
        [415] = "rfc9110#section-15.5.16",
        [422] = "rfc9110#section-15.5.21",
        [429] = "rfc6585#section-4",
        [500] = "rfc9110#section-15.6.1",
        [501] = "rfc9110#section-15.6.2",
        [502] = "rfc9110#section-15.6.3",
        [503] = "rfc9110#section-15.6.4",
        [504] = "rfc9110#section-15.6.5",
    };

    /// <summary>The type URI of a problem with this status.</summary>
    public static string TypeOf(int status) =>
        "https://tools.ietf.org/html/" + (Sections.TryGetValue(status, out var section) ? section
            : status < 500 ? "rfc9110#section-15.5" : "rfc9110#section-15.6");

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var http = context.HttpContext;
        problem.Status ??= http.Response.StatusCode;
        problem.Type = TypeOf(problem.Status.Value);
        problem.Instance ??= http.Request.Path;
        problem.Extensions.Remove("traceId");
        problem.Extensions["traceId"] = http.TraceIdentifier;

        if (problem.Status == StatusCodes.Status400BadRequest)
        {
            var (key, message) = problem.Title switch
            {
                "Invalid JSON format" => BodyError(problem, http),
                "Invalid query string value" => QueryError(problem, http),
                _ => (null, null),
            };

            if (key is not null)
            {
                problem.Extensions.Remove("lineNumber");
                problem.Extensions.Remove("bytePositionInLine");
                problem.Extensions.Remove("parameter");
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [key] = [message!] };
                (problem.Title, problem.Detail) = (InvalidTitle, InvalidDetail);
            }
            else if (!HasErrors(problem))
            {
                // A 400 from anywhere else (a body Wolverine could not read for another reason, a
                // malformed request): the one shape still has an errors map.
                problem.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = [problem.Detail ?? "The request could not be read."] };
            }
        }

        if (context.Exception is not null && problem.Status >= 500)
        {
            // Never show internals (stack traces, SQL) to a client.
            problem.Detail = "An unexpected error occurred. It has been logged; quote the traceId when reporting it.";
            problem.Extensions.Remove("exception");
        }

        if (problem.Status is >= 400 and < 500)
        {
            LogRefusal(http, problem);
        }
    }

    /// <summary>
    /// A refused request is the client's mistake: one line at Information, with the fields named
    /// but never their values (which may be anything a client sent), and no stack trace.
    /// </summary>
    private static void LogRefusal(HttpContext http, ProblemDetails problem)
    {
        var log = http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Fieldwork.Api.Refusals");
        if (log is null || !log.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var fields = problem.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> map
            ? string.Join(", ", map.Keys.Take(10))
            : "";
        log.LogInformation("{Method} {Path} refused: {Status} {Title}{Fields} (trace {TraceId})", http.Request.Method, http.Request.Path,
            problem.Status, problem.Title, fields.Length > 0 ? $" [{fields}]" : "", http.TraceIdentifier);
    }

    /// <summary>
    /// The field and message for a body System.Text.Json could not read, from its exception's
    /// message (all Wolverine passes on) and the endpoint's body type.
    /// </summary>
    public static (string Key, string Message) BodyError(ProblemDetails problem, HttpContext http)
    {
        var detail = problem.Detail ?? "";
        var body = http.GetEndpoint()?.Metadata.GetMetadata<RequestContract>()?.Body;
        var options = Validation.SerializerOptions(http);

        if (UnknownField().Match(detail) is { Success: true } unknown)
        {
            var (prefix, owner) = RequestShape.Locate(body, unknown.Groups["type"].Value, options);
            if (unknown.Groups["name"].Length > MaxEchoedName)
            {
                // Any name may be sent; only a short one is echoed back.
                return (prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), $"A field whose name is over {MaxEchoedName} characters is not a field of this request.");
            }

            var key = ProblemResults.CamelPath(prefix + unknown.Groups["name"].Value);
            var fields = owner is null ? "" : string.Join(", ", RequestShape.Properties(owner, options).Select(p => p.Name));
            return (key, $"'{key}' is not a field of this request{(fields.Length > 0 ? $"; the fields here are {fields}" : "")}.");
        }

        if (DuplicateField().Match(detail) is { Success: true } duplicate)
        {
            var key = ProblemResults.CamelPath(RequestShape.Locate(body, duplicate.Groups["type"].Value, options).Prefix + duplicate.Groups["name"].Value);
            return (key, $"'{key}' is given more than once: give each field once.");
        }

        if (detail.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return ("body", $"The JSON is nested deeper than {options.MaxDepth} levels.");
        }

        if (detail.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal) && JsonPath().Match(detail) is { Success: true } path)
        {
            var (key, type) = RequestShape.Resolve(body, path.Groups[1].Value, options);
            return key == "body" ? ("body", "The body must be a JSON object.")
                : type is null ? (key, $"'{key}' has a value of the wrong type.")
                : (key, $"'{key}' must be {RequestShape.Describe(type)}.");
        }

        // The JSON itself is broken: say what the reader says, where, without .NET names.
        var reason = ReaderReason().Match(detail) is { Success: true } r && !DotNetName().IsMatch(r.Groups[1].Value)
            ? " " + r.Groups[1].Value.Replace(" Change the reader options.", "", StringComparison.Ordinal)
            : "";
        var line = Number(problem, "lineNumber") + 1;
        var position = Number(problem, "bytePositionInLine") + 1;
        return ("body", $"The body is not valid JSON (line {line}, byte {position}).{reason}");
    }

    /// <summary>The field and message for a query value Wolverine could not parse (should the query check ever let one through).</summary>
    public static (string Key, string Message) QueryError(ProblemDetails problem, HttpContext http)
    {
        var name = problem.Extensions.TryGetValue("parameter", out var parameter) && parameter?.ToString() is { Length: > 0 } p ? p : "query";
        var type = http.GetEndpoint()?.Metadata.GetMetadata<RequestContract>()?.Query.GetValueOrDefault(name)
                   ?? (ExpectedType().Match(problem.Detail ?? "") is { Success: true } m ? WolverineTypeName(m.Groups[1].Value) : null);
        return (name, type is null ? $"'{name}' has a value of the wrong type." : $"'{name}' must be {RequestShape.Describe(type)}.");
    }

    private static bool HasErrors(ProblemDetails problem) =>
        problem is HttpValidationProblemDetails { Errors.Count: > 0 } || problem.Extensions.ContainsKey("errors");

    private static long Number(ProblemDetails problem, string name) =>
        problem.Extensions.TryGetValue(name, out var value) && long.TryParse(value?.ToString(), CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>The names Wolverine writes for the types it parses itself (FullNameInCode).</summary>
    private static Type? WolverineTypeName(string name) => name switch
    {
        "int" => typeof(int),
        "long" => typeof(long),
        "bool" => typeof(bool),
        "decimal" => typeof(decimal),
        "double" => typeof(double),
        "System.Guid" => typeof(Guid),
        "System.DateOnly" => typeof(DateOnly),
        "System.DateTimeOffset" => typeof(DateTimeOffset),
        _ => null,
    };

    [GeneratedRegex(@"Path: (\S+) \|")]
    private static partial Regex JsonPath();

    [GeneratedRegex(@"^The JSON property '(?<name>.+?)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex UnknownField();

    [GeneratedRegex(@"^Duplicate property '(?<name>.+?)' encountered during deserialization of type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex DuplicateField();

    [GeneratedRegex(@"^(.{1,200}?)\s*(?:Path:|LineNumber:|$)")]
    private static partial Regex ReaderReason();

    [GeneratedRegex(@"\b(?:System|Fieldwork|Microsoft|Wolverine|JasperFx)\.")]
    private static partial Regex DotNetName();

    [GeneratedRegex(@"expected type (\S+)$")]
    private static partial Regex ExpectedType();
}
