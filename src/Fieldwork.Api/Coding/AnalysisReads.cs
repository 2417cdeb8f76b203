using Fieldwork.Coding;

namespace Fieldwork.Api.Coding;

[Tags("Analysis")]
public static class AnalysisReads
{
    private const string Root = "/api/evaluations/{evaluationId}";

    private static readonly string[] RowKinds = ["sites", "waves", "pairings", "programmeRole", "kind", "cohort"];

    private static readonly string[] ColumnKinds = ["codes", "waves"];

    /// <summary>
    /// Percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha (nominal) between
    /// coders, per code and pooled. Units are the characters of the latest text version of each
    /// compared item; a character is coded (1) or not (0) by each coder.
    /// </summary>
    [WolverineGet(Root + "/agreement", OperationId = "getAgreement")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<AgreementView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Agreement(Guid evaluationId, string? coderIds, string? codeIds, string? evidenceIds, string? asOf,
        string? knownAt, IQuerySession session, TimeTravel time, CancellationToken cancellation)
    {
        var (comparison, problem) = await CompareAsync(session, time, evaluationId, coderIds, codeIds, evidenceIds, asOf, knownAt, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var c = comparison!;
        var report = CodingAnalysis.Agreement(c.Coders, c.Codes, c.Lengths, c.Snapshot.Segments);
        return TypedResults.Ok(new AgreementView("characters", report.Units, c.Coders, [.. c.Lengths.Keys], report.Pooled.PercentAgreement,
            report.Pooled.CohensKappa, report.Pooled.KrippendorffAlpha,
            [.. report.PerCode.Select(x => new CodeAgreementView(x.CodeId, c.Snapshot.CodeName(x.CodeId), x.Figures.PercentAgreement,
                x.Figures.CohensKappa, x.Figures.KrippendorffAlpha, x.Units))]));
    }

    /// <summary>
    /// Per evidence item and code, the stretches of the latest text some of the coders coded and
    /// the others did not, with the quote, so coders can reconcile. Paged.
    /// </summary>
    [WolverineGet(Root + "/disagreements", OperationId = "listDisagreements")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<Page<DisagreementView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> Disagreements(Guid evaluationId, string? coderIds, string? codeIds, string? evidenceIds,
        string? asOf, string? knownAt, int? offset, int? limit, IQuerySession session, TimeTravel time, Fieldwork.Secrets.KeyRing keyRing,
        CancellationToken cancellation)
    {
        if (Paging.Check(offset, limit) is { } badPage)
        {
            return badPage;
        }

        var (comparison, problem) = await CompareAsync(session, time, evaluationId, coderIds, codeIds, evidenceIds, asOf, knownAt, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var c = comparison!;
        var found = CodingAnalysis.Disagreements(c.Coders, c.Codes, c.Lengths, c.Snapshot.Segments, c.Versions);
        var page = Paging.Of(found, offset, limit);
        var quotes = await Quotes.LoadAsync(session, keyRing, page.Items.Select(d => (d.EvidenceId, d.TextVersion)), cancellation);
        return TypedResults.Ok(new Page<DisagreementView>(
            [.. page.Items.Select(d => new DisagreementView(d.EvidenceId, d.CodeId, c.Snapshot.CodeName(d.CodeId), d.TextVersion, d.Start, d.End,
                d.CodedBy, d.NotCodedBy, quotes.Of(d.EvidenceId, d.TextVersion, d.Start, d.End)))],
            page.Total, page.Offset, page.Limit));
    }

    /// <summary>
    /// A framework matrix: codings and coded characters counted by rows (sites, waves, pairings,
    /// or a site attribute as it stood: programmeRole, kind, cohort) and columns (codes, waves),
    /// at any cut. Codings of a merged code count under the code it was merged into from the merge on.
    /// </summary>
    [WolverineGet(Root + "/matrix", OperationId = "getMatrix")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<MatrixView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Matrix(Guid evaluationId, string? rows, string? columns, string? asOf, string? knownAt,
        HttpContext http, IQuerySession session, TimeTravel time, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        var rowsBy = Choose(rows, RowKinds, "rows", errors, required: true);
        var columnsBy = Choose(columns, ColumnKinds, "columns", errors, required: false) ?? "codes";
        time.AddErrors(asOf, knownAt, errors);
        if (errors.Count > 0)
        {
            return ProblemResults.Invalid(errors);
        }

        return await time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            // The codebook, each item's counting facts and codings' tally, sites and pairings in one round trip.
            var batch = session.CreateBatchQuery();
            var codebook = batch.Load<Codebook>(Codebook.StreamId(evaluationId));
            var tallied = CodingTallies.In(session, batch, evaluationId, cut, cancellation);
            var siteTimelines = batch.Query<Fieldwork.Sites.SiteTimeline>().Where(x => x.EvaluationId == evaluationId).ToList();
            var pairingTimelines = batch.Query<Fieldwork.Pairings.PairingTimeline>().Where(x => x.EvaluationId == evaluationId).ToList();
            await batch.Execute(cancellation);
            var codes = (await codebook)?.AsOf(cut) ?? new Dictionary<Guid, CodeState>();
            var items = await tallied();
            var sites = ServedState.SitesAt(await siteTimelines, cut).ToDictionary(s => s.Id);
            var pairings = ServedState.PairingsAt(await pairingTimelines, cut).ToDictionary(p => p.Id);
            var waves = http.Access().Evaluation.Waves.OrderBy(w => w.StartsOn).ToList();

            // Each key's text made once: a large evaluation has a few hundred thousand (item, code) groups.
            var texts = new Dictionary<Guid, string>();
            string Text(Guid id) => texts.TryGetValue(id, out var text) ? text : texts[id] = id.ToString();

            string[] Keys(string by, Fieldwork.Evidence.CountedItem item, Guid code) => by switch
            {
                "sites" => [.. item.SiteIds.Where(sites.ContainsKey).Select(Text)],
                "waves" => item.WaveId is { } wave ? [Text(wave)] : [],
                "pairings" => item.PairingId is { } pairing && pairings.ContainsKey(pairing) ? [Text(pairing)] : [],
                "codes" => [Text(code)],
                _ => [.. item.SiteIds.Where(sites.ContainsKey).Select(id => Attribute(by, sites[id])).OfType<string>()],
            };

            // An item's live codings of one code (as merges resolve it at the cut) fall into the same
            // cells; rows are never codes, so an item's rows are the same for all its codes.
            var groups = items.SelectMany(i =>
            {
                var rowKeys = Keys(rowsBy!, i.Item, Guid.Empty);
                return CodingTally.ByCode(i.Codings).Select(c => (Rows: rowKeys, Columns: Keys(columnsBy, i.Item, Codebook.Resolve(codes, c.CodeId)), c.Codings, c.Characters));
            });

            IReadOnlyList<MatrixHeader> Headers(string by) => by switch
            {
                "sites" => [.. sites.Values.OrderBy(s => s.Code, StringComparer.OrdinalIgnoreCase).Select(s => new MatrixHeader(s.Id.ToString(), s.Code))],
                "waves" => [.. waves.Select(w => new MatrixHeader(w.Id.ToString(), w.Name))],
                "pairings" => [.. pairings.Values
                    .Select(p => new MatrixHeader(p.Id.ToString(), $"{SiteCode(p.ExemplarSiteId)} / {SiteCode(p.FollowerSiteId)}"))
                    .OrderBy(h => h.Label, StringComparer.OrdinalIgnoreCase)],
                "codes" => [.. codes.Values.Where(c => c.Status != CodeStatus.Merged)
                    .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Id)
                    .Select(c => new MatrixHeader(c.Id.ToString(), c.Name))],
                _ => [.. sites.Values.Select(s => Attribute(by, s)).OfType<string>().Distinct().Order(StringComparer.OrdinalIgnoreCase)
                    .Select(v => new MatrixHeader(v, v))],
            };

            string SiteCode(Guid id) => sites.TryGetValue(id, out var site) ? site.Code : id.ToString();

            var cells = CodingAnalysis.Matrix(groups, g => g.Rows, g => g.Columns, g => (g.Codings, g.Characters));
            return TypedResults.Ok(new MatrixView(rowsBy!, columnsBy, Headers(rowsBy!), Headers(columnsBy),
                [.. cells.OrderBy(c => c.Row, StringComparer.Ordinal).ThenBy(c => c.Column, StringComparer.Ordinal)]));
        });
    }

    private static string? Attribute(string by, Fieldwork.Sites.SiteState site) => by switch
    {
        "programmeRole" => Camel(site.ProgrammeRole.ToString()),
        "kind" => Camel(site.Kind.ToString()),
        "cohort" => site.Cohort,
        _ => null,
    };

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string? Choose(string? value, string[] allowed, string field, Dictionary<string, string[]> errors, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = [$"'{field}' is required: one of {string.Join(", ", allowed)}."];
            }

            return null;
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            errors[field] = [$"'{field}' must be one of {string.Join(", ", allowed)}."];
        }

        return match;
    }

    /// <summary>What agreement and disagreements compare: coders, codes, and the latest text length (and version) of each item.</summary>
    private sealed record Comparison(CodingSnapshot Snapshot, IReadOnlyList<string> Coders, IReadOnlyList<Guid> Codes,
        IReadOnlyDictionary<Guid, int> Lengths, IReadOnlyDictionary<Guid, int> Versions);

    /// <summary>
    /// Resolves the query: at least two distinct coders, each with a coding in the compared items;
    /// the codes asked for (default: every code any of them applied in the compared items); the
    /// items asked for (default: every item with text that any of them coded). Unknown codes or
    /// items are 400s.
    /// </summary>
    private static async Task<(Comparison?, IResult?)> CompareAsync(IQuerySession session, TimeTravel time, Guid evaluationId,
        string? coderIds, string? codeIds, string? evidenceIds, string? asOf, string? knownAt, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        var coders = QueryList.Strings(coderIds);
        if (coders.Count < 2)
        {
            errors["coderIds"] = ["Give at least two distinct coders, comma-separated: coderIds=alice,bob."];
        }

        var codes = QueryList.Guids(codeIds, "codeIds", errors);
        var items = QueryList.Guids(evidenceIds, "evidenceIds", errors);
        time.AddErrors(asOf, knownAt, errors);

        if (errors.Count > 0)
        {
            return (null, ProblemResults.Invalid(errors));
        }

        var (cut, problem) = await time.ResolveAsync(session, asOf, knownAt, cancellation);
        if (problem is not null)
        {
            return (null, problem);
        }

        var snapshot = await CodingSource.AtAsync(session, evaluationId, cut, cancellation);
        var withText = snapshot.Evidence.Where(e => e.LatestText is not null).ToDictionary(e => e.Id);
        var unknownCodes = codes?.Where(c => !snapshot.Codes.ContainsKey(c)).ToList() ?? [];
        var unknownItems = items?.Where(i => !snapshot.Evidence.Any(e => e.Id == i)).ToList() ?? [];
        if (unknownCodes.Count > 0)
        {
            errors["codeIds"] = [$"No such code in this codebook at that time: {string.Join(", ", unknownCodes)}."];
        }

        if (unknownItems.Count > 0)
        {
            errors["evidenceIds"] = [$"No such evidence in this evaluation at that time: {string.Join(", ", unknownItems)}."];
        }

        if (errors.Count > 0)
        {
            return (null, ProblemResults.Invalid(errors));
        }

        var byCoders = snapshot.Segments.Where(s => s.OnLatestText && coders.Contains(s.Coding.CoderId)).ToList();
        var chosenItems = (items ?? [.. byCoders.Select(s => s.EvidenceId).Distinct()])
            .Where(withText.ContainsKey)
            .Distinct()
            .OrderBy(id => withText[id].Details.On).ThenBy(id => id)
            .ToList();
        var chosen = chosenItems.ToHashSet();

        // A coder with nothing coded in the compared items has nothing to agree or disagree with:
        // their "agreement" would only measure how much the others left uncoded.
        var silent = coders.Where(coder => !byCoders.Any(s => s.Coding.CoderId == coder && chosen.Contains(s.EvidenceId))).ToList();
        if (silent.Count > 0)
        {
            return (null, ProblemResults.Invalid(new Dictionary<string, string[]>
            {
                ["coderIds"] = [.. silent.Select(coder =>
                    $"'{coder}' has no coding at all in the compared items: leave them out, or name items they coded in 'evidenceIds'.")],
            }));
        }

        var chosenCodes = codes?.Select(c => Codebook.Resolve(snapshot.Codes, c)).Distinct().ToList()
                          ?? [.. byCoders.Where(s => chosen.Contains(s.EvidenceId)).Select(s => s.CodeId).Distinct()
                              .OrderBy(snapshot.CodeName, StringComparer.OrdinalIgnoreCase)];
        return (new Comparison(snapshot, coders, chosenCodes,
            chosenItems.ToDictionary(id => id, id => withText[id].LatestText!.Length),
            chosenItems.ToDictionary(id => id, id => withText[id].LatestText!.Version)), null);
    }
}

/// <summary>Comma-separated lists in a query string.</summary>
public static class QueryList
{
    public static IReadOnlyList<string> Strings(string? value) =>
        value is null ? [] : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>The ids, or null when none were given; a 400 entry for any that is not a Guid.</summary>
    public static IReadOnlyList<Guid>? Guids(string? value, string field, Dictionary<string, string[]> errors)
    {
        var parts = Strings(value);
        if (parts.Count == 0)
        {
            return null;
        }

        var bad = parts.Where(p => !Guid.TryParse(p, out _)).ToList();
        if (bad.Count > 0)
        {
            errors[field] = [$"'{field}' must be comma-separated ids; not ids: {string.Join(", ", bad.Take(5))}."];
            return null;
        }

        return [.. parts.Select(Guid.Parse).Distinct()];
    }
}
