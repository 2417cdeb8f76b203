using Fieldwork.Evaluations;
using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Links;

public static class LinkRules
{
    /// <summary>A tie between two sites that both take part on its date (enrolled, not withdrawn).</summary>
    /// <param name="siteA">The first site's timeline, or null if there is no such site in this evaluation.</param>
    /// <param name="siteB">The second site's timeline, likewise.</param>
    public static Decision Form(Evaluation evaluation, Guid linkId, NewLink command, SiteTimeline? siteA, SiteTimeline? siteB)
    {
        var on = command.FormedOn;
        if (Dates.Outside(evaluation, on, "formedOn") is { } outside)
        {
            return outside;
        }

        var problems = new[] { SiteRules.TakingPart(siteA, on, "siteAId"), SiteRules.TakingPart(siteB, on, "siteBId") }.OfType<Rejection>().ToList();
        if (problems.Count > 0)
        {
            return Rejection.Combine(problems);
        }

        return Decision.Accept(new LinkFormed(evaluation.Id, linkId, siteA!.Id, siteB!.Id, on, command.Note));
    }
}
