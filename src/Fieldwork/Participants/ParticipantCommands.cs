using FluentValidation;

namespace Fieldwork.Participants;

// Request bodies (all nullable) and, from Valid() once their validator has passed them, the commands
// the rules take: required values present, text trimmed (see EvaluationCommands.cs).

/// <param name="GivenOn">When the participant gave this consent (at registration): nothing of theirs may be dated before it.</param>
/// <summary>The terms of a consent, as a request states them: at registration (<see cref="ConsentInput"/>) and in a change (<see cref="ChangeConsent"/>).</summary>
public interface IConsentTerms
{
    bool? TakePart { get; }

    bool? Record { get; }

    bool? Quote { get; }

    bool? Archive { get; }

    LawfulBasis? LawfulBasis { get; }

    string? InformationSheetVersion { get; }
}

public sealed record ConsentInput(bool? TakePart, bool? Record, bool? Quote, bool? Archive, LawfulBasis? LawfulBasis, string? InformationSheetVersion,
    DateOnly? GivenOn = null) : IConsentTerms
{
    public ConsentScope ToScope() => new(TakePart!.Value, Record!.Value, Quote!.Value, Archive!.Value, LawfulBasis!.Value, InformationSheetVersion!.Trim());

    public GivenConsent Valid() => new(ToScope(), GivenOn!.Value);

    public static implicit operator GivenConsent(ConsentInput request) => request.Valid();
}

/// <summary>A consent and the day it was given, as its validator passed it.</summary>
public sealed record GivenConsent(ConsentScope Scope, DateOnly GivenOn);

public sealed record PersonalInput(string? Name, string? Email)
{
    public PersonalDetails Valid() => new(Name!.Trim(), Email?.Trim());
}

public sealed record RegisterParticipant(Guid? Id, string? Pseudonym, string? Role, Guid? SiteId, ConsentInput? Consent, PersonalInput? Personal)
{
    public NewParticipant Valid() => new(Pseudonym!.Trim(), Role!.Trim(), SiteId, Consent!.Valid(), Personal?.Valid());

    public static implicit operator NewParticipant(RegisterParticipant request) => request.Valid();
}

/// <summary>A participant to register, as its validator passed it; the personal details are the endpoint's to seal, never the rules' to read.</summary>
public sealed record NewParticipant(string Pseudonym, string Role, Guid? SiteId, GivenConsent Consent, PersonalDetails? Personal);

public sealed record ChangeConsent(DateOnly? EffectiveOn, bool? TakePart, bool? Record, bool? Quote, bool? Archive, LawfulBasis? LawfulBasis,
    string? InformationSheetVersion) : IConsentTerms
{
    // Served as a member of the request body in the published document (a computed property the schema
    // generator lists); it stays until the contract may change.
    public ConsentInput Consent => new(TakePart, Record, Quote, Archive, LawfulBasis, InformationSheetVersion);

    public ConsentChange Valid() => new(EffectiveOn!.Value, Consent.ToScope());

    public static implicit operator ConsentChange(ChangeConsent request) => request.Valid();
}

/// <summary>A consent in force from a date on, as its validator passed it.</summary>
public sealed record ConsentChange(DateOnly EffectiveOn, ConsentScope Scope);

public sealed class ConsentInputValidator : AbstractValidator<ConsentInput>
{
    public ConsentInputValidator()
    {
        RuleFor(x => x.GivenOn).NotNull();
        this.Terms();
    }
}

internal static class ConsentRuleBuilders
{
    /// <summary>Every term of a consent is stated: no default stands in for a participant's answer.</summary>
    public static void Terms<T>(this AbstractValidator<T> validator) where T : IConsentTerms
    {
        validator.RuleFor(x => x.TakePart).NotNull();
        validator.RuleFor(x => x.Record).NotNull();
        validator.RuleFor(x => x.Quote).NotNull();
        validator.RuleFor(x => x.Archive).NotNull();
        validator.RuleFor(x => x.LawfulBasis).NotNull();
        validator.RuleFor(x => x.InformationSheetVersion).NotEmpty().MaximumLength(50);
    }
}

public sealed class PersonalInputValidator : AbstractValidator<PersonalInput>
{
    public PersonalInputValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Email).MaximumLength(320).EmailAddress();
    }
}

public sealed class RegisterParticipantValidator : AbstractValidator<RegisterParticipant>
{
    public RegisterParticipantValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.Pseudonym).NotEmpty().MaximumLength(100);
        RuleFor(x => x.Role).NotEmpty().MaximumLength(200);
        RuleFor(x => x.SiteId).NotEqual(Guid.Empty);
        RuleFor(x => x.Consent).NotNull().SetValidator(new ConsentInputValidator()!);
        RuleFor(x => x.Personal).SetValidator(new PersonalInputValidator()!);
    }
}

public sealed class ChangeConsentValidator : AbstractValidator<ChangeConsent>
{
    public ChangeConsentValidator()
    {
        RuleFor(x => x.EffectiveOn).NotNull();
        this.Terms();
    }
}

/// <summary>A withdrawn participant's new consent, with the date it was given (<c>consent.givenOn</c>).</summary>
public sealed record ReconsentParticipant(ConsentInput? Consent)
{
    public Reconsent Valid() => new(Consent!.Valid());

    public static implicit operator Reconsent(ReconsentParticipant request) => request.Valid();
}

/// <summary>A withdrawn participant's new consent, as its validator passed it.</summary>
public sealed record Reconsent(GivenConsent Consent);

public sealed class ReconsentParticipantValidator : AbstractValidator<ReconsentParticipant>
{
    public ReconsentParticipantValidator()
    {
        RuleFor(x => x.Consent).NotNull().SetValidator(new ConsentInputValidator()!);
    }
}

/// <summary>A withdrawal from a date on (today by default); with eraseTranscripts, their transcripts are erased too.</summary>
public sealed record WithdrawParticipant(DateOnly? EffectiveOn, bool? EraseTranscripts)
{
    public ParticipantWithdrawal Valid() => new(EffectiveOn, EraseTranscripts == true);

    public static implicit operator ParticipantWithdrawal(WithdrawParticipant request) => request.Valid();
}

/// <summary>A withdrawal from a date on (none: today), with or without the erasure of transcripts.</summary>
public sealed record ParticipantWithdrawal(DateOnly? EffectiveOn, bool EraseTranscripts);
