using Fieldwork.Evaluations;
using Fieldwork.Rules;
using Fieldwork.Sites;
using Fieldwork.Timeline;

namespace Fieldwork.Links;

public static class LinkRules
{
    /// <param name="siteA">The first site's timeline, or null if there is no such site in this evaluation.</param>
    /// <param name="siteB">The second site's timeline, likewise.</param>
    public static Decision Form(Evaluation evaluation, Guid linkId, NewLink command, SiteTimeline? siteA, SiteTimeline? siteB)
    {
        var on = command.FormedOn;
        if (Dates.Outside(evaluation, on, "formedOn") is { } outside)
        {
            return outside;
        }

        var problems = new[] { Enrolled(siteA, on, "siteAId"), Enrolled(siteB, on, "siteBId") }.OfType<Rejection>().ToList();
        if (problems.Count > 0)
        {
            return Rejection.Combine(problems);
        }

        return Decision.Accept(new LinkFormed(evaluation.Id, linkId, siteA!.Id, siteB!.Id, on, command.Note));
    }

    private static Rejection? Enrolled(SiteTimeline? site, DateOnly on, string field) =>
        site is null ? Rejection.Invalid(field, "There is no such site in this evaluation.")
        : site.AsOf(new Cut(on, long.MaxValue)) is null ? Rejection.Invalid(field, $"Site {site.Code} was not enrolled on {on:yyyy-MM-dd}.")
        : null;
}
