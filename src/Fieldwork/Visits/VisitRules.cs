using Fieldwork.Access;
using Fieldwork.Evidence;
using Fieldwork.Rules;

namespace Fieldwork.Visits;

/// <summary>What was decided about a visit logged with its items: the visit's event and each item's decision, or one refusal for all.</summary>
public sealed record VisitDecision(Rejection? Rejection, VisitLogged? Logged, IReadOnlyList<Decision> Items)
{
    public bool Accepted => Rejection is null;
}

/// <summary>The visit rules as pure functions.</summary>
public static class VisitRules
{
    /// <summary>
    /// A visit and its items, decided together: the visit's days lie in the evaluation (and in its
    /// wave), its sites take part on its first day, the fieldworkers named are members who log
    /// evidence, and each item passes its own kind's rules within the visit. Any refusal refuses
    /// the whole visit, naming the item and field at fault (<c>items[2].participantIds[0]</c>).
    /// </summary>
    public static VisitDecision Log(EvidenceContext context, Guid id, NewVisit c, IReadOnlyList<Func<VisitFrame, Decision>> items)
    {
        var (startsOn, endsOn) = (c.StartsOn, c.EndsOn);
        var siteIds = c.SiteIds.Distinct().ToList();
        var errors = new List<Rejection>();
        errors.AddRange(new[] { Dates.Outside(context.Evaluation, startsOn, "startsOn"), Dates.Outside(context.Evaluation, endsOn, "endsOn") }.OfType<Rejection>());
        if (c.WaveId is { } waveId)
        {
            var wave = context.Evaluation.Waves.FirstOrDefault(w => w.Id == waveId);
            if (wave is null)
            {
                errors.Add(Rejection.Invalid("waveId", "There is no such wave in this evaluation."));
            }
            else if (startsOn < wave.StartsOn || endsOn > wave.EndsOn)
            {
                errors.Add(Rejection.Invalid("waveId",
                    $"Wave '{wave.Name}' ({wave.StartsOn:yyyy-MM-dd} to {wave.EndsOn:yyyy-MM-dd}) does not contain the visit " +
                    $"({startsOn:yyyy-MM-dd} to {endsOn:yyyy-MM-dd})."));
            }
        }

        errors.AddRange(EvidenceRules.SiteErrors(context, siteIds, startsOn));
        var fieldworkers = c.FieldworkerIds;
        for (var i = 0; i < fieldworkers.Count; i++)
        {
            if (context.Evaluation.RoleOf(fieldworkers[i]) is not { } role || !AccessPolicy.Allows(role, Permission.WriteEvidence))
            {
                errors.Add(Rejection.Invalid($"fieldworkerIds[{i}]", "Not a member of this evaluation who logs evidence."));
            }
        }

        var frame = new VisitFrame(id, startsOn, endsOn, c.WaveId, siteIds);
        var decided = items.Select(item => item(frame)).ToList();
        var conflicts = new List<string>();
        for (var i = 0; i < decided.Count; i++)
        {
            if (decided[i].Rejection is not { } refused)
            {
                continue;
            }

            if (refused.Kind == RejectionKind.Invalid)
            {
                errors.Add(Under($"items[{i}]", refused));
            }
            else
            {
                conflicts.Add($"items[{i}]: {refused.Detail}");
            }
        }

        if (errors.Count > 0)
        {
            return new VisitDecision(Rejection.Combine(errors), null, []);
        }

        if (conflicts.Count > 0)
        {
            return new VisitDecision(Rejection.Conflict(string.Join(" ", conflicts)), null, []);
        }

        var logged = new VisitLogged(context.Evaluation.Id, id, siteIds, startsOn, endsOn, c.WaveId,
            [.. fieldworkers.Select(f => f.Trim()).Distinct(StringComparer.Ordinal)], c.Purpose, c.Notes);
        return new VisitDecision(null, logged, decided);
    }

    /// <summary>An item's refusal, its fields named under <paramref name="prefix"/>.</summary>
    public static Rejection Under(string prefix, Rejection rejection)
    {
        var errors = rejection.Errors.Count > 0
            ? rejection.Errors.ToDictionary(e => $"{prefix}.{e.Key}", e => e.Value)
            : new Dictionary<string, string[]> { [prefix] = [rejection.Detail] };
        return rejection with { Field = rejection.Field is null ? prefix : $"{prefix}.{rejection.Field}", Errors = errors };
    }

    /// <summary>An item added to an existing visit: refused when the visit is not this evaluation's.</summary>
    public static Rejection? Join(Guid evaluationId, VisitTimeline? visit) =>
        visit is null || visit.EvaluationId != evaluationId ? Rejection.NotFound("No such visit in this evaluation.") : null;
}
