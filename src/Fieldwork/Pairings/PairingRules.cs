using Fieldwork.Evaluations;
using Fieldwork.Rules;
using Fieldwork.Sites;
using Fieldwork.Timeline;

namespace Fieldwork.Pairings;

/// <summary>The pairing's rules as pure functions.</summary>
public static class PairingRules
{
    /// <param name="exemplar">The exemplar site's timeline, or null if there is no such site in this evaluation.</param>
    /// <param name="follower">The follower site's timeline, likewise.</param>
    /// <param name="openPairing">The pairing of these two sites that is still open, if any.</param>
    public static Decision Propose(Evaluation evaluation, Guid pairingId, NewPairing command,
        SiteTimeline? exemplar, SiteTimeline? follower, Guid? openPairing)
    {
        var on = command.ProposedOn;
        if (Dates.Outside(evaluation, on, "proposedOn") is { } outside)
        {
            return outside;
        }

        var badRoles = new[] { RoleOn(exemplar, on, ProgrammeRole.Exemplar, "exemplarSiteId"), RoleOn(follower, on, ProgrammeRole.Follower, "followerSiteId") }
            .OfType<Rejection>().ToList();
        if (badRoles.Count > 0)
        {
            return Rejection.Combine(badRoles);
        }

        if (openPairing is { } open)
        {
            return Rejection.Conflict($"These two sites already have an open pairing ({open}); dissolve it before proposing another.");
        }

        return Decision.Accept(new PairingProposed(evaluation.Id, pairingId, exemplar!.Id, follower!.Id, on));
    }

    public static Decision Establish(Evaluation evaluation, PairingTimeline pairing, PairingEstablishment command)
    {
        var on = command.EstablishedOn;
        if (Dates.Outside(evaluation, on, "establishedOn") is { } outside)
        {
            return outside;
        }

        if (pairing.CurrentDissolvedOn is { } dissolved)
        {
            return Rejection.Conflict($"The pairing was dissolved on {dissolved:yyyy-MM-dd}; a dissolved pairing cannot be established.");
        }

        if (pairing.CurrentEstablishedOn is { } established)
        {
            return Rejection.Conflict($"The pairing was already established on {established:yyyy-MM-dd}; send a correction to change the date.");
        }

        if (on < pairing.CurrentProposedOn)
        {
            return Rejection.Conflict($"A pairing cannot be established ({on:yyyy-MM-dd}) before it was proposed ({pairing.CurrentProposedOn:yyyy-MM-dd}).");
        }

        return Decision.Accept(new PairingEstablished(evaluation.Id, pairing.Id, on));
    }

    public static Decision Assess(Evaluation evaluation, PairingTimeline pairing, AlignmentAssessment command)
    {
        var on = command.AssessedOn;
        if (Within(evaluation, pairing, on, "assessedOn", "An alignment assessment") is { } refused)
        {
            return refused;
        }

        return Decision.Accept(new AlignmentAssessed(evaluation.Id, pairing.Id, on, command.SameSystem, command.SameRegion, command.DistanceKm,
            command.PriorLinks, command.CulturalFit, command.Note));
    }

    public static Decision Observe(Evaluation evaluation, PairingTimeline pairing, Guid exchangeId, NewExchange command)
    {
        var on = command.OccurredOn;
        if (Within(evaluation, pairing, on, "occurredOn", "A knowledge exchange") is { } refused)
        {
            return refused;
        }

        return Decision.Accept(new KnowledgeExchangeObserved(evaluation.Id, pairing.Id, exchangeId, on, command.Direction, command.Channel,
            command.Topic, [.. command.EvidenceIds.Distinct()]));
    }

    public static Decision Dissolve(Evaluation evaluation, PairingTimeline pairing, PairingDissolution command)
    {
        var on = command.DissolvedOn;
        if (Dates.Outside(evaluation, on, "dissolvedOn") is { } outside)
        {
            return outside;
        }

        if (pairing.CurrentDissolvedOn is { } dissolved)
        {
            return Rejection.Conflict($"The pairing was already dissolved on {dissolved:yyyy-MM-dd}.");
        }

        if (Order(pairing.CurrentProposedOn, pairing.CurrentEstablishedOn, on) is { } disorder)
        {
            return disorder;
        }

        if (LatestActivity(pairing) is { } latest && latest > on)
        {
            return Rejection.Conflict($"The pairing has activity recorded on {latest:yyyy-MM-dd}, after {on:yyyy-MM-dd}.");
        }

        return Decision.Accept(new PairingDissolved(evaluation.Id, pairing.Id, on, command.Reason));
    }

    public static Decision Correct(Evaluation evaluation, PairingTimeline pairing, CorrectPairingDates command)
    {
        foreach (var (date, field) in new[] { (command.ProposedOn, "proposedOn"), (command.EstablishedOn, "establishedOn"), (command.DissolvedOn, "dissolvedOn") })
        {
            if (date is { } d && Dates.Outside(evaluation, d, field) is { } outside)
            {
                return outside;
            }
        }

        if (command.EstablishedOn is not null && pairing.CurrentEstablishedOn is null)
        {
            return Rejection.Conflict("The pairing has not been established: there is no establishment date to correct.");
        }

        if (command.DissolvedOn is not null && pairing.CurrentDissolvedOn is null)
        {
            return Rejection.Conflict("The pairing has not been dissolved: there is no dissolution date to correct.");
        }

        var proposed = command.ProposedOn ?? pairing.CurrentProposedOn;
        var established = command.EstablishedOn ?? pairing.CurrentEstablishedOn;
        var dissolvedOn = command.DissolvedOn ?? pairing.CurrentDissolvedOn;
        if (Order(proposed, established, dissolvedOn) is { } disorder)
        {
            return disorder;
        }

        // Recorded activity stays inside the corrected span, as an exchange, an assessment or a dissolution would have to.
        if (command.ProposedOn is { } newProposed && EarliestActivity(pairing) is { } earliest && earliest < newProposed)
        {
            return Rejection.Conflict($"The pairing has activity recorded on {earliest:yyyy-MM-dd}, before {newProposed:yyyy-MM-dd}.");
        }

        if (command.DissolvedOn is { } newDissolved && LatestActivity(pairing) is { } latest && latest > newDissolved)
        {
            return Rejection.Conflict($"The pairing has activity recorded on {latest:yyyy-MM-dd}, after {newDissolved:yyyy-MM-dd}.");
        }

        return Decision.Accept(new PairingDatesCorrected(evaluation.Id, pairing.Id, command.ProposedOn, command.EstablishedOn, command.DissolvedOn));
    }

    private static Rejection? RoleOn(SiteTimeline? site, DateOnly on, ProgrammeRole role, string field) =>
        SiteRules.TakingPart(site, on, field)
        ?? (site?.AsOf(new Cut(on, long.MaxValue)) is { } state && state.ProgrammeRole != role
            ? Rejection.Invalid(field, $"Site {site.Code} was {Words(state.ProgrammeRole)} on {on:yyyy-MM-dd}, not {Words(role)}.")
            : null);

    private static Rejection? Within(Evaluation evaluation, PairingTimeline pairing, DateOnly on, string field, string what)
    {
        if (Dates.Outside(evaluation, on, field) is { } outside)
        {
            return outside;
        }

        if (on < pairing.CurrentProposedOn)
        {
            return Rejection.Conflict($"{what} on {on:yyyy-MM-dd} comes before the pairing was proposed ({pairing.CurrentProposedOn:yyyy-MM-dd}).");
        }

        if (pairing.CurrentDissolvedOn is { } dissolved && on > dissolved)
        {
            return Rejection.Conflict($"{what} on {on:yyyy-MM-dd} comes after the pairing was dissolved ({dissolved:yyyy-MM-dd}).");
        }

        return null;
    }

    private static Rejection? Order(DateOnly proposed, DateOnly? established, DateOnly? dissolved)
    {
        if (established is { } e && e < proposed)
        {
            return Rejection.Conflict($"The pairing would be established ({e:yyyy-MM-dd}) before it was proposed ({proposed:yyyy-MM-dd}).");
        }

        if (dissolved is { } d && d < (established ?? proposed))
        {
            return Rejection.Conflict($"The pairing would be dissolved ({d:yyyy-MM-dd}) before it was {(established is null ? "proposed" : "established")}.");
        }

        return null;
    }

    private static DateOnly? LatestActivity(PairingTimeline pairing) =>
        pairing.Alignments.Select(a => (DateOnly?)a.AssessedOn).Append(pairing.LatestExchangeOn).Max();

    private static DateOnly? EarliestActivity(PairingTimeline pairing) =>
        pairing.Alignments.Select(a => (DateOnly?)a.AssessedOn).Concat(pairing.ExchangeFacts().Select(x => (DateOnly?)x.OccurredOn)).Min();

    private static string Words(ProgrammeRole role) => role switch
    {
        ProgrammeRole.Exemplar => "an exemplar",
        ProgrammeRole.Follower => "a follower",
        _ => "outside the programme roles",
    };
}
