using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Sites;

// Request bodies (all nullable) and, from Valid() once their validator has passed them, the commands
// the rules take: required values present, text trimmed, blanks as none (see EvaluationCommands.cs).

public sealed record EnrolSite(
    Guid? Id,
    string? Code,
    SiteKind? Kind,
    ProgrammeRole? ProgrammeRole,
    string? Cohort,
    string? Region,
    string? EprSystem,
    CaseDepth? CaseDepth,
    DateOnly? EnrolledOn)
{
    public NewSite Valid() => new(Code!.Trim(), Kind!.Value, ProgrammeRole!.Value, Input.Clean(Cohort), Input.Clean(Region),
        Input.Clean(EprSystem), CaseDepth!.Value, EnrolledOn!.Value);

    public static implicit operator NewSite(EnrolSite request) => request.Valid();
}

/// <summary>A site to enrol, as its validator passed it.</summary>
public sealed record NewSite(string Code, SiteKind Kind, ProgrammeRole ProgrammeRole, string? Cohort, string? Region, string? EprSystem,
    CaseDepth CaseDepth, DateOnly EnrolledOn);

public sealed record ChangeSiteAttributes(
    DateOnly? EffectiveOn,
    SiteKind? Kind,
    ProgrammeRole? ProgrammeRole,
    string? Cohort,
    string? Region,
    string? EprSystem,
    CaseDepth? CaseDepth)
{
    public SiteAttributeChange Valid() =>
        new(EffectiveOn!.Value, Kind, ProgrammeRole, Input.Clean(Cohort), Input.Clean(Region), Input.Clean(EprSystem), CaseDepth);

    public static implicit operator SiteAttributeChange(ChangeSiteAttributes request) => request.Valid();
}

/// <summary>Attributes to change from a date on (none for those that stay), as its validator passed it.</summary>
public sealed record SiteAttributeChange(DateOnly EffectiveOn, SiteKind? Kind, ProgrammeRole? ProgrammeRole, string? Cohort, string? Region,
    string? EprSystem, CaseDepth? CaseDepth);

public sealed record WithdrawSite(DateOnly? EffectiveOn, string? Reason)
{
    public SiteWithdrawal Valid() => new(EffectiveOn!.Value, Reason!.Trim());

    public static implicit operator SiteWithdrawal(WithdrawSite request) => request.Valid();
}

/// <summary>A site's withdrawal from a date on, as its validator passed it.</summary>
public sealed record SiteWithdrawal(DateOnly EffectiveOn, string Reason);

/// <summary>A site's code is its pseudonym: short, plain, and compared without regard to case.</summary>
public static class SiteCodes
{
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$";

    public static string Normalise(string code) => code.Trim().ToUpperInvariant();
}

public sealed class EnrolSiteValidator : AbstractValidator<EnrolSite>
{
    public EnrolSiteValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.Code).NotEmpty().MaximumLength(40).Matches(SiteCodes.Pattern)
            .WithMessage("'code' is a pseudonym of 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        RuleFor(x => x.Kind).NotNull();
        RuleFor(x => x.ProgrammeRole).NotNull();
        RuleFor(x => x.CaseDepth).NotNull();
        RuleFor(x => x.EnrolledOn).NotNull();
        RuleFor(x => x.Cohort).MaximumLength(100);
        RuleFor(x => x.Region).MaximumLength(100);
        RuleFor(x => x.EprSystem).MaximumLength(100);
    }
}

public sealed class ChangeSiteAttributesValidator : AbstractValidator<ChangeSiteAttributes>
{
    public ChangeSiteAttributesValidator()
    {
        RuleFor(x => x.EffectiveOn).NotNull();
        RuleFor(x => x.Cohort).MaximumLength(100);
        RuleFor(x => x.Region).MaximumLength(100);
        RuleFor(x => x.EprSystem).MaximumLength(100);
        RuleFor(x => x)
            .Must(x => x.Kind is not null || x.ProgrammeRole is not null || x.Cohort is not null || x.Region is not null
                       || x.EprSystem is not null || x.CaseDepth is not null)
            .WithName("body")
            .OverridePropertyName("body")
            .WithMessage("Give at least one attribute to change (kind, programmeRole, cohort, region, eprSystem, caseDepth).");
    }
}

public sealed class WithdrawSiteValidator : AbstractValidator<WithdrawSite>
{
    public WithdrawSiteValidator()
    {
        RuleFor(x => x.EffectiveOn).NotNull();
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(2000);
    }
}
