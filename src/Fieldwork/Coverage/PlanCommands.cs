using FluentValidation;

namespace Fieldwork.Coverage;

// Required values are nullable here so that a missing field reads as missing, not as a default.

/// <summary>One site's row of a plan: a non-negative target for at least one kind of work.</summary>
public sealed record SitePlanInput(Guid? SiteId, int? Visits, int? Interviews, int? Observations, int? Documents);

/// <summary>The whole plan of a wave; it replaces the plan before it. An empty list plans no site.</summary>
public sealed record SetWavePlan(List<SitePlanInput>? Sites);

public sealed class SitePlanInputValidator : AbstractValidator<SitePlanInput>
{
    public SitePlanInputValidator()
    {
        RuleFor(x => x.SiteId).NotNull().NotEqual(Guid.Empty);
        RuleFor(x => x.Visits).InclusiveBetween(0, PlanRules.MaxTarget);
        RuleFor(x => x.Interviews).InclusiveBetween(0, PlanRules.MaxTarget);
        RuleFor(x => x.Observations).InclusiveBetween(0, PlanRules.MaxTarget);
        RuleFor(x => x.Documents).InclusiveBetween(0, PlanRules.MaxTarget);
    }
}

public sealed class SetWavePlanValidator : AbstractValidator<SetWavePlan>
{
    public SetWavePlanValidator()
    {
        RuleFor(x => x.Sites).NotNull();
        RuleFor(x => x.Sites).Must(s => s is null || s.Count <= PlanRules.MaxSites)
            .WithMessage($"A plan holds at most {PlanRules.MaxSites} sites.");
        RuleForEach(x => x.Sites).NotNull().SetValidator(new SitePlanInputValidator())
            .When(x => x.Sites is null || x.Sites.Count <= PlanRules.MaxSites);
    }
}
