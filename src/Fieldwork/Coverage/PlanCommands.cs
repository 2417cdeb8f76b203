using FluentValidation;

namespace Fieldwork.Coverage;

// Request bodies (all nullable, so that a missing field reads as missing, not as a default) and, from
// Valid() once their validator has passed them, the command the rules take (see EvaluationCommands.cs).

/// <summary>One site's row of a plan: a non-negative target for at least one kind of work.</summary>
public sealed record SitePlanInput(Guid? SiteId, int? Visits, int? Interviews, int? Observations, int? Documents)
{
    public SitePlanRow Valid() => new(SiteId!.Value, Visits, Interviews, Observations, Documents);
}

/// <summary>One site's row of a plan, as its validator passed it (none for a kind of work without a target).</summary>
public sealed record SitePlanRow(Guid SiteId, int? Visits, int? Interviews, int? Observations, int? Documents);

/// <summary>The whole plan of a wave; it replaces the plan before it. An empty list plans no site.</summary>
public sealed record SetWavePlan(List<SitePlanInput>? Sites)
{
    public NewWavePlan Valid() => new([.. Sites!.Select(s => s.Valid())]);

    public static implicit operator NewWavePlan(SetWavePlan request) => request.Valid();
}

/// <summary>A wave's whole plan, its rows in the order given, as its validator passed it.</summary>
public sealed record NewWavePlan(IReadOnlyList<SitePlanRow> Sites);

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
