namespace Fieldwork.Coding;

public enum CodeStatus
{
    Active,
    Merged,
    Retired,
}

/// <summary>A code was added to the codebook.</summary>
public sealed record CodeDefined(Guid EvaluationId, Guid CodeId, string Name, string Definition, string? Dimension, Guid? ParentId);

/// <summary>A code was renamed, redefined or moved; unchanged parts are null.</summary>
public sealed record CodeRevised(Guid EvaluationId, Guid CodeId, string? Name, string? Definition, Guid? ParentId);

/// <summary>A code was merged into another; its children moved with it to the target.</summary>
public sealed record CodeMerged(Guid EvaluationId, Guid CodeId, Guid IntoCodeId);

/// <summary>A code was retired: it takes no new codings.</summary>
public sealed record CodeRetired(Guid EvaluationId, Guid CodeId, string Reason);
