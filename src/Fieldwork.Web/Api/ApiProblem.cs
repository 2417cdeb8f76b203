using System.Net;

namespace Fieldwork.Web.Api;

/// <summary>The API refused a request: its status and, from its problem document, what it said.</summary>
public sealed class ApiProblem(HttpStatusCode status, string title, string? detail, IReadOnlyDictionary<string, string[]> errors)
    : Exception(detail ?? title)
{
    public HttpStatusCode Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>One line for the page: the detail, and each field's messages.</summary>
    public string Describe() =>
        string.Join(" ", new[] { $"{(int)Status} {Title}{(Detail is null ? "" : ": " + Detail)}" }
            .Concat(Errors.SelectMany(e => e.Value)));
}
