using Fieldwork.Access;

namespace Fieldwork.Evaluations;

/// <summary>An evaluation was set up; its creator became its first lead.</summary>
public sealed record EvaluationCreated(
    Guid EvaluationId,
    string Name,
    DateOnly StartsOn,
    DateOnly? EndsOn,
    string? Description,
    string CreatedBy);

/// <summary>A data-collection round was defined.</summary>
public sealed record WaveDefined(Guid EvaluationId, Guid WaveId, string Name, DateOnly StartsOn, DateOnly EndsOn);

/// <summary>A user became a member with a role, or a member's role changed.</summary>
public sealed record MemberRoleGranted(Guid EvaluationId, string UserId, Role Role);

/// <summary>A member lost access to the evaluation.</summary>
public sealed record MemberRemoved(Guid EvaluationId, string UserId);
