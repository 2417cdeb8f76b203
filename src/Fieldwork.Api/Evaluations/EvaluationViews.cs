using Fieldwork.Evaluations;

namespace Fieldwork.Api.Evaluations;

public sealed record WaveView(Guid Id, string Name, DateOnly StartsOn, DateOnly EndsOn)
{
    public static WaveView From(Wave wave) => new(wave.Id, wave.Name, wave.StartsOn, wave.EndsOn);
}

/// <summary>An evaluation as the caller sees it, with its waves and the caller's role.</summary>
public sealed record EvaluationView(
    Guid Id,
    string Name,
    DateOnly StartsOn,
    DateOnly? EndsOn,
    string? Description,
    IReadOnlyList<WaveView> Waves,
    Role Role,
    int Version,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    Fieldwork.Evidence.EvidenceCounts? Counts = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<Fieldwork.Evidence.WaveCounts>? CountsByWave = null)
{
    public static EvaluationView From(Evaluation evaluation, Role role) => new(
        evaluation.Id, evaluation.Name, evaluation.StartsOn, evaluation.EndsOn, evaluation.Description,
        [.. evaluation.Waves.Select(WaveView.From)], role, evaluation.Version);
}

public sealed record MemberView(string UserId, Role Role);

/// <summary>A membership after a change, with the evaluation's new version.</summary>
public sealed record MembershipView(string UserId, Role Role, int Version);
