using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Fieldwork.Api.Problems;

/// <summary>
/// Gives every problem response the same shape. Wolverine answers an unreadable body (malformed
/// JSON, a wrong type, an unknown enum value or field) with its own 400; this adds the
/// <c>errors</c> entry that the API's contract asks for, keyed by the camelCase path.
/// </summary>
public static partial class ProblemShaping
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Instance ??= context.HttpContext.Request.Path;
        problem.Extensions.Remove("traceId");
        problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;

        if (problem.Status == StatusCodes.Status400BadRequest && problem.Title == "Invalid JSON format")
        {
            var path = JsonPath().Match(problem.Detail ?? "");
            var unknown = UnknownField().Match(problem.Detail ?? "");
            var key = unknown.Success ? Problems.CamelPath(unknown.Groups[1].Value)
                : path.Success ? ToApiPath(path.Groups[1].Value)
                : "body";
            problem.Title = "The request body could not be read";
            problem.Detail = unknown.Success ? $"'{key}' is not a field of this request."
                : key == "body" ? "The body is not a JSON object of the expected shape."
                : $"'{key}' has a value of the wrong type or an unknown value.";
            problem.Extensions.Remove("lineNumber");
            problem.Extensions.Remove("bytePositionInLine");
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [key] = [problem.Detail] };
        }

        if (context.Exception is not null && problem.Status >= 500)
        {
            // Never show internals (stack traces, SQL) to a client.
            problem.Detail = "An unexpected error occurred. It has been logged; quote the traceId when reporting it.";
            problem.Extensions.Remove("exception");
        }
    }

    /// <summary>"$.consent.quote" becomes "consent.quote"; "$" becomes "body".</summary>
    private static string ToApiPath(string jsonPath)
    {
        var trimmed = jsonPath.TrimStart('$').TrimStart('.');
        return trimmed.Length == 0 ? "body" : Problems.CamelPath(trimmed);
    }

    [GeneratedRegex(@"Path: (\S+) \|")]
    private static partial Regex JsonPath();

    [GeneratedRegex(@"The JSON property '([^']{1,100})' could not be mapped")]
    private static partial Regex UnknownField();
}
