using Fieldwork.Access;
using Fieldwork.Rules;

namespace Fieldwork.Evaluations;

/// <summary>The evaluation's rules as pure functions: command and state in, events or a refusal out.</summary>
public static class EvaluationRules
{
    public static EvaluationCreated Create(Guid id, NewEvaluation command, string caller) =>
        new(id, command.Name, command.StartsOn, command.EndsOn, command.Description, caller);

    public static Decision DefineWave(Evaluation evaluation, Guid waveId, NewWave wave)
    {
        var (startsOn, endsOn) = (wave.StartsOn, wave.EndsOn);
        if (!evaluation.Covers(startsOn))
        {
            return Rejection.Invalid("startsOn", $"The wave starts outside the evaluation ({Dates.Range(evaluation)}).");
        }

        if (!evaluation.Covers(endsOn))
        {
            return Rejection.Invalid("endsOn", $"The wave ends outside the evaluation ({Dates.Range(evaluation)}).");
        }

        var clash = evaluation.Waves.FirstOrDefault(w => w.Overlaps(startsOn, endsOn));
        if (clash is not null)
        {
            return Rejection.Conflict(
                $"The wave overlaps wave '{clash.Name}' ({clash.StartsOn:yyyy-MM-dd} to {clash.EndsOn:yyyy-MM-dd}); waves of one evaluation do not overlap.");
        }

        return Decision.Accept(new WaveDefined(evaluation.Id, waveId, wave.Name, startsOn, endsOn));
    }

    public static Decision Grant(Evaluation evaluation, Membership membership)
    {
        var (userId, role) = (membership.UserId, membership.Role);
        var current = evaluation.RoleOf(userId);
        if (current == role)
        {
            return Decision.Accept();
        }

        if (current == Role.Lead && IsLastLead(evaluation, userId))
        {
            return Rejection.Conflict($"'{userId}' is the evaluation's last lead; make another member lead first.");
        }

        return Decision.Accept(new MemberRoleGranted(evaluation.Id, userId, role));
    }

    public static Decision Remove(Evaluation evaluation, string userId)
    {
        var current = evaluation.RoleOf(userId);
        if (current is null)
        {
            return Rejection.NotFound($"'{userId}' is not a member of this evaluation.");
        }

        if (current == Role.Lead && IsLastLead(evaluation, userId))
        {
            return Rejection.Conflict($"'{userId}' is the evaluation's last lead and cannot be removed.");
        }

        return Decision.Accept(new MemberRemoved(evaluation.Id, userId));
    }

    private static bool IsLastLead(Evaluation evaluation, string userId) =>
        evaluation.Members.All(m => m.UserId == userId || m.Role != Role.Lead);
}
