using Fieldwork.Evaluations;
using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Participants;

public static class ParticipantRules
{
    /// <param name="site">The participant's site, or null when none was named or it is not in this evaluation.</param>
    /// <param name="personal">The personal details, already sealed under the participant's key.</param>
    public static Decision Register(Evaluation evaluation, Guid participantId, RegisterParticipant command, SiteTimeline? site,
        SealedPersonalDetails? personal)
    {
        if (command.SiteId is not null && site is null)
        {
            return Rejection.Invalid("siteId", "There is no such site in this evaluation.");
        }

        return Decision.Accept(new ParticipantRegistered(evaluation.Id, participantId, command.Pseudonym!.Trim(), command.Role!.Trim(),
            site?.Id, command.Consent!.ToScope(), personal));
    }

    public static Decision ChangeConsent(Evaluation evaluation, ParticipantTimeline participant, ChangeConsent command)
    {
        var on = command.EffectiveOn!.Value;
        if (Dates.Outside(evaluation, on, "effectiveOn") is { } outside)
        {
            return outside;
        }

        return Decision.Accept(new ConsentChanged(evaluation.Id, participant.Id, on, command.Consent.ToScope()));
    }
}
