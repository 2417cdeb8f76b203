using Fieldwork.Api.Evidence;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fieldwork.Api.Pairings;
using Fieldwork.Api.Sites;
using Microsoft.Extensions.Options;

namespace Fieldwork.Api.Timeline;

public static class TimelineReads
{
    /// <summary>Every site and pairing of the evaluation as it stood at asOf, as known at knownAt.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/state", OperationId = "getState")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<StateView>(StatusCodes.Status200OK)]
    public static Task<IResult> State(Guid evaluationId, string? asOf, string? knownAt, IQuerySession session,
        TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            // Sites, pairings, counts and visits in one round trip.
            var batch = session.CreateBatchQuery();
            var siteTimelines = batch.Query<Fieldwork.Sites.SiteTimeline>().Where(x => x.EvaluationId == evaluationId).ToList();
            var pairingTimelines = batch.Query<Fieldwork.Pairings.PairingTimeline>().Where(x => x.EvaluationId == evaluationId).ToList();
            var counting = ServedEvidence.TallyIn(batch, evaluationId, cut);
            await batch.Execute(cancellation);
            var sites = ServedState.SitesAt(await siteTimelines, cut);
            var pairings = ServedState.PairingsAt(await pairingTimelines, cut);
            var codes = (await siteTimelines).ToDictionary(t => t.Id, t => t.Code);
            var tally = await counting();
            return TypedResults.Ok(new StateView(Date(cut.AsOf), time.KnownAt(knownAt), tally.Total, tally.ByWave(),
                [.. sites.Select(s => SiteView.From(s, tally))], [.. pairings.Select(p => PairingView.From(p, tally, codes))]));
        });

    /// <summary>For each site and pairing, what differs between its state at `from` and at `to` (valid time), both as known at knownAt.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/changes", OperationId = "getChanges")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<ChangesView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Changes(Guid evaluationId, string? from, string? to, string? knownAt, IQuerySession session,
        TimeTravel time, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (value, name) in new[] { (from, "from"), (to, "to") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors[name] = [$"'{name}' is required: a date or an instant."];
            }
        }

        if (errors.Count > 0)
        {
            return ProblemResults.Invalid(errors);
        }

        var (before, problemBefore) = await time.ResolveAsync(session, from, knownAt, cancellation, "from");
        var (after, problemAfter) = await time.ResolveAsync(session, to, knownAt, cancellation, "to");
        if ((problemBefore ?? problemAfter) is { } problem)
        {
            return problem;
        }

        if (after.AsOf < before.AsOf)
        {
            return ProblemResults.Invalid(new Dictionary<string, string[]>
            {
                ["to"] = [$"'to' ({Date(after.AsOf)}) is before 'from' ({Date(before.AsOf)}): give the earlier date as 'from'."],
            });
        }

        var options = json.Value.SerializerOptions;
        var tallyBefore = await ServedEvidence.TallyAsync(session, evaluationId, before, cancellation);
        var tallyAfter = await ServedEvidence.TallyAsync(session, evaluationId, after, cancellation);
        var sitesBefore = (await ServedState.SitesAsync(session, evaluationId, before, cancellation)).Select(s => SiteView.From(s, tallyBefore));
        var sitesAfter = (await ServedState.SitesAsync(session, evaluationId, after, cancellation)).Select(s => SiteView.From(s, tallyAfter));
        var codes = await ServedState.SiteCodesAsync(session, evaluationId, cancellation);
        var pairingsBefore = (await ServedState.PairingsAsync(session, evaluationId, before, cancellation)).Select(p => PairingView.From(p, tallyBefore, codes));
        var pairingsAfter = (await ServedState.PairingsAsync(session, evaluationId, after, cancellation)).Select(p => PairingView.From(p, tallyAfter, codes));

        return TypedResults.Ok(new ChangesView(Date(before.AsOf), Date(after.AsOf), time.KnownAt(knownAt),
            Diff(sitesBefore.ToDictionary(s => s.Id, s => (object)s), sitesAfter.ToDictionary(s => s.Id, s => (object)s), options),
            Diff(pairingsBefore.ToDictionary(p => p.Id, p => (object)p), pairingsAfter.ToDictionary(p => p.Id, p => (object)p), options)));
    }

    /// <summary>Field-by-field differences; nested counts are compared one level down ("exchanges.mutual").</summary>
    private static List<EntityChanges> Diff(Dictionary<Guid, object> before, Dictionary<Guid, object> after, JsonSerializerOptions options)
    {
        var result = new List<EntityChanges>();
        foreach (var id in before.Keys.Union(after.Keys).Order())
        {
            var a = Flatten(before.GetValueOrDefault(id), options);
            var b = Flatten(after.GetValueOrDefault(id), options);
            var changes = a.Keys.Union(b.Keys)
                .Where(field => field is not ("id" or "version"))
                .Select(field => new FieldChange(field, ValueOf(a, field), ValueOf(b, field)))
                .Where(c => !JsonNode.DeepEquals(c.Before, c.After))
                .ToList();
            if (changes.Count > 0)
            {
                result.Add(new EntityChanges(id, changes));
            }
        }

        return result;
    }

    /// <summary>
    /// A field's value on one side. A wave with nothing in it is absent from countsByWave: its counts
    /// are 0 there, not null, so that a wave appearing lists only the counts that really changed.
    /// </summary>
    private static JsonNode? ValueOf(Dictionary<string, JsonNode?> fields, string field) =>
        fields.TryGetValue(field, out var value) ? value?.DeepClone()
        : field.StartsWith("countsByWave.", StringComparison.Ordinal) && fields.Count > 0 ? JsonValue.Create(0)
        : null;

    private static Dictionary<string, JsonNode?> Flatten(object? view, JsonSerializerOptions options)
    {
        var fields = new Dictionary<string, JsonNode?>();
        if (view is null)
        {
            return fields;
        }

        foreach (var (name, value) in JsonSerializer.SerializeToNode(view, view.GetType(), options)!.AsObject())
        {
            if (name == "countsByWave")
            {
                foreach (var wave in value?.AsArray() ?? [])
                {
                    foreach (var (inner, innerValue) in wave!["counts"]!.AsObject())
                    {
                        fields[$"countsByWave.{wave["waveId"]}.{inner}"] = innerValue;
                    }
                }
            }
            else if (value is JsonObject nested && name is "exchanges" or "counts")
            {
                foreach (var (inner, innerValue) in nested)
                {
                    fields[$"{name}.{inner}"] = innerValue;
                }
            }
            else
            {
                fields[name] = value;
            }
        }

        return fields;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
