using Fieldwork.Access;

namespace Fieldwork.Api.Access;

/// <summary>
/// Declares what an evaluation-scoped endpoint does; <see cref="AccessPolicy"/> decides who may.
/// The route must hold <c>{evaluationId}</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresAttribute(Permission permission) : Attribute
{
    public Permission Permission { get; } = permission;
}
