using Fieldwork.Evaluations;
using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Participants;

public static class ParticipantRules
{
    /// <param name="site">The participant's site, or null when none was named or it is not in this evaluation.</param>
    /// <param name="personal">The personal details, already sealed under the participant's key.</param>
    public static Decision Register(Evaluation evaluation, Guid participantId, NewParticipant command, SiteTimeline? site,
        SealedPersonalDetails? personal)
    {
        if (command.SiteId is not null && site is null)
        {
            return Rejection.Invalid("siteId", "There is no such site in this evaluation.");
        }

        // A consent may be given before the evaluation starts (recruitment comes first), not after it ends.
        if (evaluation.EndsOn is { } end && command.Consent.GivenOn > end)
        {
            return Rejection.Invalid("consent.givenOn",
                $"'consent.givenOn' ({command.Consent.GivenOn:yyyy-MM-dd}) is after the evaluation ({Dates.Range(evaluation)}).");
        }

        return Decision.Accept(new ParticipantRegistered(evaluation.Id, participantId, command.Pseudonym, command.Role, site?.Id,
            command.Consent.Scope, personal, command.Consent.GivenOn));
    }

    /// <summary>A change of consent; once a participant has withdrawn, only a lead's re-consent changes it (409).</summary>
    public static Decision ChangeConsent(Evaluation evaluation, ParticipantTimeline participant, ConsentChange command)
    {
        if (participant.WithdrawnOn is { } withdrawn)
        {
            return Rejection.Conflict($"{participant.Pseudonym} withdrew on {withdrawn:yyyy-MM-dd}: their consent changes only with a lead's " +
                                      "re-consent (POST .../reconsent, with the date it was given).");
        }

        var on = command.EffectiveOn;
        if (Dates.Outside(evaluation, on, "effectiveOn") is { } outside)
        {
            return outside;
        }

        return Decision.Accept(new ConsentChanged(evaluation.Id, participant.Id, on, command.Scope));
    }

    /// <summary>
    /// Records a withdrawn participant's new consent, given on or after the withdrawal and taking
    /// part again. What the withdrawal erased stays erased. The same re-consent again records nothing.
    /// </summary>
    public static Decision Reconsent(Evaluation evaluation, ParticipantTimeline participant, Reconsent command)
    {
        var (scope, on) = command.Consent;
        if (participant.WithdrawnOn is null && participant.ReconsentedOn == on && participant.ConsentOn(on) == scope)
        {
            return Decision.Accept();
        }

        if (participant.WithdrawnOn is not { } withdrawn)
        {
            return Rejection.Conflict($"{participant.Pseudonym} has not withdrawn: record a change of consent instead (POST .../consent).");
        }

        if (Dates.Outside(evaluation, on, "consent.givenOn") is { } outside)
        {
            return outside;
        }

        if (on < withdrawn)
        {
            return Rejection.Invalid("consent.givenOn", $"{participant.Pseudonym} withdrew on {withdrawn:yyyy-MM-dd}: a new consent is given on or after it.");
        }

        if (!scope.TakePart)
        {
            return Rejection.Invalid("consent.takePart", "A re-consent is a consent to take part again: takePart must be true.");
        }

        return Decision.Accept(new ParticipantReconsented(evaluation.Id, participant.Id, on, scope));
    }

    /// <summary>
    /// Withdraws a participant. Idempotent: withdrawing again records nothing, unless it now asks
    /// to erase transcripts the first withdrawal kept, which it records (from the first date).
    /// </summary>
    public static Decision Withdraw(Evaluation evaluation, ParticipantTimeline participant, ParticipantWithdrawal command, DateOnly today)
    {
        var erase = command.EraseTranscripts;
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

        // Nobody withdraws a consent before giving it (a re-consent's date counts from then on); worded as a
        // re-consent given before the withdrawal is.
        if ((participant.ReconsentedOn ?? participant.ConsentGivenOn) is { } given && on < given)
        {
            return Rejection.Invalid("effectiveOn", $"{participant.Pseudonym} gave consent on {given:yyyy-MM-dd}: a withdrawal is effective on or after it.");
        }

        return Decision.Accept(new ParticipantWithdrew(evaluation.Id, participant.Id, on, erase));
    }
}
