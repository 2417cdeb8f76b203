using FluentValidation;

namespace Fieldwork.Participants;

/// <param name="GivenOn">When the participant gave this consent (at registration): nothing of theirs may be dated before it.</param>
public sealed record ConsentInput(bool? TakePart, bool? Record, bool? Quote, bool? Archive, LawfulBasis? LawfulBasis, string? InformationSheetVersion,
    DateOnly? GivenOn = null)
{
    public ConsentScope ToScope() => new(TakePart!.Value, Record!.Value, Quote!.Value, Archive!.Value, LawfulBasis!.Value, InformationSheetVersion!.Trim());
}

public sealed record PersonalInput(string? Name, string? Email);

public sealed record RegisterParticipant(Guid? Id, string? Pseudonym, string? Role, Guid? SiteId, ConsentInput? Consent, PersonalInput? Personal);

public sealed record ChangeConsent(DateOnly? EffectiveOn, bool? TakePart, bool? Record, bool? Quote, bool? Archive, LawfulBasis? LawfulBasis,
    string? InformationSheetVersion)
{
    public ConsentInput Consent => new(TakePart, Record, Quote, Archive, LawfulBasis, InformationSheetVersion);
}

public sealed class ConsentInputValidator : AbstractValidator<ConsentInput>
{
    public ConsentInputValidator()
    {
        RuleFor(x => x.GivenOn).NotNull();
        RuleFor(x => x.TakePart).NotNull();
        RuleFor(x => x.Record).NotNull();
        RuleFor(x => x.Quote).NotNull();
        RuleFor(x => x.Archive).NotNull();
        RuleFor(x => x.LawfulBasis).NotNull();
        RuleFor(x => x.InformationSheetVersion).NotEmpty().MaximumLength(50);
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
        RuleFor(x => x.TakePart).NotNull();
        RuleFor(x => x.Record).NotNull();
        RuleFor(x => x.Quote).NotNull();
        RuleFor(x => x.Archive).NotNull();
        RuleFor(x => x.LawfulBasis).NotNull();
        RuleFor(x => x.InformationSheetVersion).NotEmpty().MaximumLength(50);
    }
}

/// <summary>A withdrawn participant's new consent, with the date it was given (<c>consent.givenOn</c>).</summary>
public sealed record ReconsentParticipant(ConsentInput? Consent);

public sealed class ReconsentParticipantValidator : AbstractValidator<ReconsentParticipant>
{
    public ReconsentParticipantValidator()
    {
        RuleFor(x => x.Consent).NotNull().SetValidator(new ConsentInputValidator()!);
    }
}

/// <summary>A withdrawal from a date on (today by default); with eraseTranscripts, their transcripts are erased too.</summary>
public sealed record WithdrawParticipant(DateOnly? EffectiveOn, bool? EraseTranscripts);
