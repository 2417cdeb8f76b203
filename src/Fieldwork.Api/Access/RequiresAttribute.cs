namespace Fieldwork.Api.Access;

/// <summary>
/// Declares what an evaluation-scoped endpoint does; <see cref="AccessPolicy"/> decides who may.
/// The route must hold <c>{evaluationId}</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresAttribute(Permission permission) : Attribute
{
    public Permission Permission { get; } = permission;

    /// <summary>
    /// The endpoint checks access again against the evaluation its own write reads, so the
    /// check before it may take this process's newest snapshot instead of reading one.
    /// </summary>
    public bool RecheckedByTheWrite { get; init; }
}
