using JasperFx;
using Microsoft.AspNetCore.Diagnostics;

namespace Fieldwork.Api.Problems;

/// <summary>
/// Maps what the store refuses to the API's statuses: a version conflict, a stream id already
/// taken, a unique index violated are 409; a database that cannot be reached (down, restarting,
/// refusing connections) is a 503 with Retry-After, so clients retry instead of giving up; anything
/// else unexpected is a 500 without internals.
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
            _ when DatabaseUnavailable(exception) => (503, "Service unavailable",
                "The database cannot be reached just now. Retry in a few seconds: a create retried with the same id is answered as the "
                + "first if it got through, a change with expectedVersion answers 409 if it did."),
            _ => (500, "Internal error", "An unexpected error occurred."),
        };

        if (status == 503)
        {
            log.LogWarning("Database unavailable on {Method} {Path}: {Error}", httpContext.Request.Method, httpContext.Request.Path,
                exception.GetType().Name);
            httpContext.Response.Headers.RetryAfter = "5";
        }
        else if (status >= 500)
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = status >= 500 && status != 503 ? exception : null,
            ProblemDetails = new() { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// Whether the failure (or one it wraps) is the database being out of reach: a connection
    /// refused, reset or timed out, too many connections, or PostgreSQL shutting down or starting up.
    /// </summary>
    public static bool DatabaseUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Connection exceptions, too many connections, shutting down, starting up.
                case Npgsql.PostgresException postgres when postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || postgres.SqlState is "53300" or "57P01" or "57P02" or "57P03":
                    return true;
                case Npgsql.PostgresException:
                    return false;
                // Refused, reset or timed out on the way to the server (Npgsql wraps the socket or timeout error).
                case Npgsql.NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(DatabaseUnavailable):
                    return true;
            }
        }

        return false;
    }
}
