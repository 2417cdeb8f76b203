using Fieldwork.Api.Auth;
using Fieldwork.Evaluations;

namespace Fieldwork.Api.Access;

/// <summary>The caller, their role and the evaluation a request is about, once access is granted.</summary>
public sealed record EvaluationAccess(Evaluation Evaluation, string UserId, Role Role);

public static class EvaluationAccessExtensions
{
    public static EvaluationAccess Access(this HttpContext context) =>
        context.Items[typeof(EvaluationAccess)] as EvaluationAccess
        ?? throw new InvalidOperationException("This endpoint declares no [Requires] permission.");
}

/// <summary>
/// Runs after authentication and before the endpoint reads its body, so the API's error order
/// holds: 401 (no or bad token), then 404 (unknown evaluation, or the caller is not a member:
/// never reveal that it exists), then 403 (the role may not do this), then 400 and 409.
/// </summary>
public sealed class EvaluationAccessMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IQuerySession session, EvaluationSnapshots snapshots)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<RequiresAttribute>();
        if (required is null || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        var userId = context.User.UserId();
        if (!Guid.TryParse(context.GetRouteValue("evaluationId") as string, out var id))
        {
            await ProblemResults.NotFound("No such evaluation.").ExecuteAsync(context);
            return;
        }

        // A write that checks again in its own batch may go on from the newest snapshot this
        // process knows; a refusal, and every other endpoint, reads the evaluation afresh.
        var evaluation = required.RecheckedByTheWrite ? snapshots.Find(id) : null;
        var refusal = AccessCheck.Refusal(evaluation, userId, required.Permission);
        if (refusal is not null)
        {
            evaluation = await session.LoadAsync<Evaluation>(id, context.RequestAborted);
            if (evaluation is not null)
            {
                snapshots.Remember(evaluation);
            }

            refusal = AccessCheck.Refusal(evaluation, userId, required.Permission);
        }

        if (refusal is not null)
        {
            await ProblemResults.From(refusal).ExecuteAsync(context);
            return;
        }

        var role = evaluation!.RoleOf(userId)!.Value;
        context.Items[typeof(EvaluationAccess)] = new EvaluationAccess(evaluation, userId, role);
        await next(context);
    }
}
