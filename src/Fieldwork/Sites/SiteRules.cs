using Fieldwork.Evaluations;
using Fieldwork.Rules;
using Fieldwork.Timeline;

namespace Fieldwork.Sites;

/// <summary>The site's rules as pure functions.</summary>
public static class SiteRules
{
    public static Decision Enrol(Evaluation evaluation, Guid siteId, NewSite site)
    {
        if (Dates.Outside(evaluation, site.EnrolledOn, "enrolledOn") is { } outside)
        {
            return outside;
        }

        return Decision.Accept(new SiteEnrolled(evaluation.Id, siteId, site.Code, site.Kind, site.ProgrammeRole, site.Cohort, site.Region,
            site.EprSystem, site.CaseDepth, site.EnrolledOn));
    }

    public static Decision ChangeAttributes(Evaluation evaluation, SiteTimeline site, SiteAttributeChange change)
    {
        var on = change.EffectiveOn;
        if (Dates.Outside(evaluation, on, "effectiveOn") is { } outside)
        {
            return outside;
        }

        if (on < site.EnrolledOn)
        {
            return Rejection.Conflict($"The change is effective on {on:yyyy-MM-dd}, before the site's enrolment on {site.EnrolledOn:yyyy-MM-dd}.");
        }

        if (site.Withdrawal is { } withdrawal && on >= withdrawal.On)
        {
            return Rejection.Conflict($"The site was withdrawn on {withdrawal.On:yyyy-MM-dd}; it takes no changes from then on.");
        }

        return Decision.Accept(new SiteAttributesChanged(evaluation.Id, site.Id, on, change.Kind, change.ProgrammeRole, change.Cohort,
            change.Region, change.EprSystem, change.CaseDepth));
    }

    public static Decision Withdraw(Evaluation evaluation, SiteTimeline site, SiteWithdrawal command)
    {
        var on = command.EffectiveOn;
        if (Dates.Outside(evaluation, on, "effectiveOn") is { } outside)
        {
            return outside;
        }

        if (site.Withdrawal is { } withdrawal)
        {
            return Rejection.Conflict($"The site was already withdrawn on {withdrawal.On:yyyy-MM-dd}.");
        }

        if (on < site.EnrolledOn)
        {
            return Rejection.Conflict($"The withdrawal is effective on {on:yyyy-MM-dd}, before the site's enrolment on {site.EnrolledOn:yyyy-MM-dd}.");
        }

        var later = site.Facts.Where(f => f.Type == SiteChange.AttributesChanged && f.On > on).Select(f => f.On).DefaultIfEmpty().Max();
        if (later != default)
        {
            return Rejection.Conflict($"The site has a change effective on {later:yyyy-MM-dd}, after the withdrawal date.");
        }

        return Decision.Accept(new SiteWithdrawn(evaluation.Id, site.Id, on, command.Reason));
    }

    /// <summary>
    /// Whether a site named on <paramref name="field"/> takes part on a date, for anything recorded of it then
    /// (evidence, a pairing, a link): a 400 when it is not this evaluation's (null), not yet enrolled, or
    /// withdrawn by then; else null.
    /// </summary>
    public static Rejection? TakingPart(SiteTimeline? site, DateOnly on, string field) =>
        site is null ? Rejection.Invalid(field, "There is no such site in this evaluation.")
        : site.AsOf(new Cut(on, long.MaxValue)) is not { } state ? Rejection.Invalid(field, $"Site {site.Code} was not enrolled on {on:yyyy-MM-dd}.")
        : state.Status == SiteStatus.Withdrawn ? Rejection.Invalid(field, $"Site {site.Code} had withdrawn by {on:yyyy-MM-dd}.")
        : null;
}
