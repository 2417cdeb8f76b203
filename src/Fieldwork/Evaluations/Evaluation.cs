using Fieldwork.Access;

namespace Fieldwork.Evaluations;

public sealed record Wave(Guid Id, string Name, DateOnly StartsOn, DateOnly EndsOn)
{
    public bool Overlaps(DateOnly startsOn, DateOnly endsOn) => startsOn <= EndsOn && StartsOn <= endsOn;
}

public sealed record Member(string UserId, Role Role);

/// <summary>
/// The evaluation stream folded into its current state: the study's dates, its waves and its
/// members. Kept inline as a document so that every request can check membership cheaply.
/// </summary>
public sealed class Evaluation
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public DateOnly StartsOn { get; set; }

    public DateOnly? EndsOn { get; set; }

    public string? Description { get; set; }

    public List<Wave> Waves { get; set; } = [];

    public List<Member> Members { get; set; } = [];

    public int Version { get; set; }

    public static Evaluation Create(EvaluationCreated e) => new()
    {
        Id = e.EvaluationId,
        Name = e.Name,
        StartsOn = e.StartsOn,
        EndsOn = e.EndsOn,
        Description = e.Description,
        Members = [new Member(e.CreatedBy, Role.Lead)],
    };

    public void Apply(WaveDefined e) =>
        Waves = [.. Waves.Append(new Wave(e.WaveId, e.Name, e.StartsOn, e.EndsOn)).OrderBy(w => w.StartsOn)];

    public void Apply(MemberRoleGranted e) =>
        Members = [.. Members.Where(m => m.UserId != e.UserId).Append(new Member(e.UserId, e.Role)).OrderBy(m => m.UserId, StringComparer.Ordinal)];

    public void Apply(MemberRemoved e) => Members = [.. Members.Where(m => m.UserId != e.UserId)];

    public Role? RoleOf(string userId) => Members.FirstOrDefault(m => m.UserId == userId)?.Role;

    public bool Covers(DateOnly date) => date >= StartsOn && (EndsOn is null || date <= EndsOn);
}
