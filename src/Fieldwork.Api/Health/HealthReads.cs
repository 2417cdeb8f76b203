using Microsoft.AspNetCore.Authorization;

namespace Fieldwork.Api.Health;

public static class HealthReads
{
    /// <summary>Whether the API can reach its database: 200 when it can, 503 when it cannot.</summary>
    [WolverineGet("/health", OperationId = "health")]
    [AllowAnonymous]
    [ProducesResponseType<HealthView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public static async Task<IResult> Get(IDocumentStore store, CancellationToken cancellation)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var session = store.QuerySession();
            await session.QueryAsync<int>("select 1", timeout.Token);
            return TypedResults.Ok(new HealthView("healthy", "reachable"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            return TypedResults.Problem("The database cannot be reached.", statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Unhealthy");
        }
    }
}
