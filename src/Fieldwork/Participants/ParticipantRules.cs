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
            site?.Id, command.Consent!.ToScope(), personal, command.Consent.GivenOn!.Value));
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

    /// <summary>
    /// Withdraws a participant. Idempotent: withdrawing again records nothing, unless it now asks
    /// to erase transcripts the first withdrawal kept, which it records (from the first date).
    /// </summary>
    public static Decision Withdraw(Evaluation evaluation, ParticipantTimeline participant, WithdrawParticipant command, DateOnly today)
    {
        var erase = command.EraseTranscripts == true;
        if (participant.WithdrawnOn is { } already)
        {
            return erase && !participant.TranscriptsErased
                ? Decision.Accept(new ParticipantWithdrew(evaluation.Id, participant.Id, already, true))
                : Decision.Accept();
        }

        var on = command.EffectiveOn ?? today;
        if (Dates.Outside(evaluation, on, "effectiveOn") is { } outside && command.EffectiveOn is not null)
        {
            return outside;
        }

        return Decision.Accept(new ParticipantWithdrew(evaluation.Id, participant.Id, on, erase));
    }
}
