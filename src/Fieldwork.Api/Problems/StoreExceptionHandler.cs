using JasperFx;
using Microsoft.AspNetCore.Diagnostics;

namespace Fieldwork.Api.Problems;

/// <summary>
/// Maps what the store refuses to the API's statuses: a version conflict, a stream id already
/// taken, a unique index violated are 409; anything else unexpected is a 500 without internals.
/// </summary>
public sealed class StoreExceptionHandler(IProblemDetailsService problems, ILogger<StoreExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ConcurrencyException => (409, "Conflict", "Someone else changed this resource at the same time; read it again and retry."),
            Marten.Exceptions.ExistingStreamIdCollisionException => (409, "Conflict", "That id is already in use."),
            DocumentAlreadyExistsException => (409, "Conflict", "That id or key is already in use."),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", "The request could not be read."),
            _ => (500, "Internal error", "An unexpected error occurred."),
        };

        if (status >= 500)
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = status >= 500 ? exception : null,
            ProblemDetails = new() { Status = status, Title = title, Detail = detail },
        });
    }
}
