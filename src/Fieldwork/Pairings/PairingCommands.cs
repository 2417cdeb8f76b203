using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Pairings;

// Request bodies (all nullable) and, from Valid() once their validator has passed them, the commands
// the rules take: required values present, text trimmed, blanks as none (see EvaluationCommands.cs).

public sealed record ProposePairing(Guid? Id, Guid? ExemplarSiteId, Guid? FollowerSiteId, DateOnly? ProposedOn)
{
    public NewPairing Valid() => new(ExemplarSiteId!.Value, FollowerSiteId!.Value, ProposedOn!.Value);

    public static implicit operator NewPairing(ProposePairing request) => request.Valid();
}

/// <summary>A pairing to propose, as its validator passed it.</summary>
public sealed record NewPairing(Guid ExemplarSiteId, Guid FollowerSiteId, DateOnly ProposedOn);

public sealed record EstablishPairing(DateOnly? EstablishedOn)
{
    public PairingEstablishment Valid() => new(EstablishedOn!.Value);

    public static implicit operator PairingEstablishment(EstablishPairing request) => request.Valid();
}

/// <summary>The date a pairing was set up, as its validator passed it.</summary>
public sealed record PairingEstablishment(DateOnly EstablishedOn);

public sealed record AssessAlignment(
    DateOnly? AssessedOn,
    bool? SameSystem,
    bool? SameRegion,
    decimal? DistanceKm,
    bool? PriorLinks,
    int? CulturalFit,
    [property: LongText] string? Note)
{
    public AlignmentAssessment Valid() =>
        new(AssessedOn!.Value, SameSystem!.Value, SameRegion!.Value, DistanceKm, PriorLinks!.Value, CulturalFit!.Value, Input.Clean(Note));

    public static implicit operator AlignmentAssessment(AssessAlignment request) => request.Valid();
}

/// <summary>An alignment assessment, as its validator passed it.</summary>
public sealed record AlignmentAssessment(DateOnly AssessedOn, bool SameSystem, bool SameRegion, decimal? DistanceKm, bool PriorLinks, int CulturalFit,
    string? Note);

public sealed record ObserveExchange(
    Guid? Id,
    DateOnly? OccurredOn,
    ExchangeDirection? Direction,
    ExchangeChannel? Channel,
    string? Topic,
    List<Guid>? EvidenceIds)
{
    public NewExchange Valid() => new(OccurredOn!.Value, Direction!.Value, Channel!.Value, Topic!.Trim(), EvidenceIds!);

    public static implicit operator NewExchange(ObserveExchange request) => request.Valid();
}

/// <summary>A knowledge exchange to record, as its validator passed it (the evidence ids as given, repeats and all).</summary>
public sealed record NewExchange(DateOnly OccurredOn, ExchangeDirection Direction, ExchangeChannel Channel, string Topic, IReadOnlyList<Guid> EvidenceIds);

public sealed record DissolvePairing(DateOnly? DissolvedOn, string? Reason)
{
    public PairingDissolution Valid() => new(DissolvedOn!.Value, Reason!.Trim());

    public static implicit operator PairingDissolution(DissolvePairing request) => request.Valid();
}

/// <summary>The end of a pairing, as its validator passed it.</summary>
public sealed record PairingDissolution(DateOnly DissolvedOn, string Reason);

/// <summary>Dates to correct (none for those that stay): every field optional by meaning, so the rules take the request as it is.</summary>
public sealed record CorrectPairingDates(DateOnly? ProposedOn, DateOnly? EstablishedOn, DateOnly? DissolvedOn);

public sealed class ProposePairingValidator : AbstractValidator<ProposePairing>
{
    public ProposePairingValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.ExemplarSiteId).NotNull().NotEqual(Guid.Empty);
        RuleFor(x => x.FollowerSiteId).NotNull().NotEqual(Guid.Empty);
        RuleFor(x => x.FollowerSiteId).NotEqual(x => x.ExemplarSiteId)
            .When(x => x.ExemplarSiteId is not null)
            .WithMessage("A site cannot pair with itself.");
        RuleFor(x => x.ProposedOn).NotNull();
    }
}

public sealed class EstablishPairingValidator : AbstractValidator<EstablishPairing>
{
    public EstablishPairingValidator() => RuleFor(x => x.EstablishedOn).NotNull();
}

public sealed class AssessAlignmentValidator : AbstractValidator<AssessAlignment>
{
    public AssessAlignmentValidator()
    {
        RuleFor(x => x.AssessedOn).NotNull();
        RuleFor(x => x.SameSystem).NotNull();
        RuleFor(x => x.SameRegion).NotNull();
        RuleFor(x => x.PriorLinks).NotNull();
        RuleFor(x => x.CulturalFit).NotNull().InclusiveBetween(1, 5);
        RuleFor(x => x.DistanceKm).GreaterThanOrEqualTo(0).LessThan(50000);
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}

public sealed class ObserveExchangeValidator : AbstractValidator<ObserveExchange>
{
    public ObserveExchangeValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.OccurredOn).NotNull();
        RuleFor(x => x.Direction).NotNull();
        RuleFor(x => x.Channel).NotNull();
        RuleFor(x => x.Topic).NotEmpty().MaximumLength(500);
        RuleFor(x => x.EvidenceIds).NotNull();
        RuleFor(x => x.EvidenceIds).Must(ids => ids!.Count <= 200).When(x => x.EvidenceIds is not null)
            .WithMessage("At most 200 evidence ids.");
        RuleForEach(x => x.EvidenceIds).NotEqual(Guid.Empty);
    }
}

public sealed class DissolvePairingValidator : AbstractValidator<DissolvePairing>
{
    public DissolvePairingValidator()
    {
        RuleFor(x => x.DissolvedOn).NotNull();
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(2000);
    }
}

public sealed class CorrectPairingDatesValidator : AbstractValidator<CorrectPairingDates>
{
    public CorrectPairingDatesValidator() =>
        RuleFor(x => x)
            .Must(x => x.ProposedOn is not null || x.EstablishedOn is not null || x.DissolvedOn is not null)
            .OverridePropertyName("body")
            .WithMessage("Give at least one date to correct (proposedOn, establishedOn, dissolvedOn).");
}
