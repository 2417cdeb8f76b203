namespace Fieldwork.Api.Problems;

/// <summary>The one error shape of the API: RFC 9457 problem details.</summary>
public static class ProblemResults
{
    public static IResult From(Rejection rejection) => rejection.Kind switch
    {
        RejectionKind.Invalid => Invalid(rejection.Errors.Count > 0
            ? rejection.Errors.ToDictionary()
            : new Dictionary<string, string[]> { ["body"] = [rejection.Detail] }),
        RejectionKind.NotFound => NotFound(rejection.Detail),
        RejectionKind.TooLarge => TypedResults.Problem(rejection.Detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large"),
        RejectionKind.Forbidden => Forbidden(rejection.Detail),
        _ => Conflict(rejection.Detail),
    };

    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "The request is not valid; see 'errors'.");

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>"Consent.Quote" becomes "consent.quote", "SiteIds[1]" becomes "siteIds[1]".</summary>
    public static string CamelPath(string path) =>
        string.Join('.', path.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
}
