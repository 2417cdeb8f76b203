using System.Collections.Concurrent;
using Fieldwork.Evaluations;

namespace Fieldwork.Api.Access;

/// <summary>
/// The newest evaluation snapshot this process has read, per evaluation. It lets a write that
/// reads the evaluation again inside its own batch (logging evidence, see
/// <see cref="Evidence.EvidenceBatcher"/>) pass the access check without a read of its own. It is
/// never the last word: a refusal is always confirmed by a fresh read, and the write checks
/// access again against the evaluation its batch reads before any rule runs.
/// </summary>
public sealed class EvaluationSnapshots
{
    private readonly ConcurrentDictionary<Guid, Evaluation> newest = new();

    public Evaluation? Find(Guid id) => newest.GetValueOrDefault(id);

    public void Remember(Evaluation evaluation) =>
        newest.AddOrUpdate(evaluation.Id, evaluation, (_, known) => known.Version > evaluation.Version ? known : evaluation);
}

public static class AccessCheck
{
    /// <summary>Null when <paramref name="userId"/> may do <paramref name="permission"/> in <paramref name="evaluation"/>; else why not (404, never revealing the evaluation, or 403).</summary>
    public static Rejection? Refusal(Evaluation? evaluation, string userId, Permission permission) =>
        evaluation?.RoleOf(userId) is not { } role
            ? Rejection.NotFound("No such evaluation.")
            : AccessPolicy.Allows(role, permission)
                ? null
                : Rejection.Forbidden(AccessPolicy.Refusal(role, permission));
}
