using Fieldwork.Rules;

namespace Fieldwork.Findings;

/// <summary>The rules of findings as pure functions over the finding as it stands now and what the request names.</summary>
public static class FindingRules
{
    public const int MaxStatement = 10_000;

    /// <summary>Where a finding may go from each status: a reported finding can only be retracted; a retracted one is final.</summary>
    public static readonly IReadOnlyDictionary<FindingStatus, FindingStatus[]> Moves = new Dictionary<FindingStatus, FindingStatus[]>
    {
        [FindingStatus.Draft] = [FindingStatus.UnderReview, FindingStatus.Accepted, FindingStatus.Retracted],
        [FindingStatus.UnderReview] = [FindingStatus.Draft, FindingStatus.Accepted, FindingStatus.Retracted],
        [FindingStatus.Accepted] = [FindingStatus.Draft, FindingStatus.UnderReview, FindingStatus.Reported, FindingStatus.Retracted],
        [FindingStatus.Reported] = [FindingStatus.Retracted],
        [FindingStatus.Retracted] = [],
    };

    public static Decision Draft(Guid evaluationId, Guid id, NewFinding c, IReadOnlySet<Guid> sites, IReadOnlySet<Guid> pairings,
        IReadOnlySet<Guid> waves)
    {
        var errors = Unknown("siteIds", c.SiteIds, sites, "site")
            .Concat(Unknown("pairingIds", c.PairingIds, pairings, "pairing"))
            .Concat(Unknown("waveIds", c.WaveIds, waves, "wave"))
            .ToList();
        return errors.Count > 0
            ? Rejection.Combine(errors)
            : Decision.Accept(new FindingDrafted(evaluationId, id, c.Statement, [.. c.SiteIds.Distinct()], [.. c.PairingIds.Distinct()],
                [.. c.WaveIds.Distinct()]));
    }

    public static Decision Revise(Guid evaluationId, FindingState finding, FindingRevision c) =>
        Open(finding, c.ExpectedVersion) ?? Decision.Accept(new FindingRevised(evaluationId, finding.Id, c.Statement));

    /// <param name="codings">The live codings of this evaluation among those named.</param>
    /// <param name="memos">The memos of this evaluation among those named.</param>
    public static Decision Link(Guid evaluationId, FindingState finding, FindingEvidenceLink c, IReadOnlySet<Guid> codings,
        IReadOnlySet<Guid> memos)
    {
        if (Open(finding, c.ExpectedVersion) is { } refused)
        {
            return refused;
        }

        var errors = Unknown("codingIds", c.CodingIds, codings, "coding").Concat(Unknown("memoIds", c.MemoIds, memos, "memo")).ToList();
        return errors.Count > 0
            ? Rejection.Combine(errors)
            : Decision.Accept(new FindingEvidenceLinked(evaluationId, finding.Id, c.Stance, [.. c.CodingIds.Distinct()],
                [.. c.MemoIds.Distinct()]));
    }

    public static Decision Unlink(Guid evaluationId, FindingState finding, Guid itemId, int? expectedVersion)
    {
        if (expectedVersion is null)
        {
            return Rejection.Invalid("expectedVersion", "'expectedVersion' is required: the finding's version as last read.");
        }

        if (Open(finding, expectedVersion) is { } refused)
        {
            return refused;
        }

        return finding.Evidence.Any(l => l.ItemId == itemId)
            ? Decision.Accept(new FindingEvidenceUnlinked(evaluationId, finding.Id, itemId))
            : Rejection.NotFound("That item is not linked to this finding.");
    }

    /// <param name="unquotable">
    /// For a move to reported: the pseudonyms of participants quoted through a supporting coding
    /// whose consent on the field date did not allow quoting.
    /// </param>
    /// <param name="withdrawn">
    /// For a move to reported: each supporting coding that rests on a withdrawn participant's material
    /// (or quotes text erased with their withdrawal), described for the analyst who must detach or replace it.
    /// </param>
    public static Decision ChangeStatus(Guid evaluationId, FindingState finding, FindingStatusChange c, IReadOnlyList<string> unquotable,
        IReadOnlyList<string>? withdrawn = null)
    {
        if (Stale(finding, c.ExpectedVersion) is { } stale)
        {
            return stale;
        }

        var to = c.Status;
        if (to == finding.Status)
        {
            return Rejection.Conflict($"The finding is already {Camel(to)}.");
        }

        if (!Moves[finding.Status].Contains(to))
        {
            return Rejection.Conflict(finding.Status == FindingStatus.Reported
                ? "A reported finding can only be retracted."
                : $"A finding cannot go from {Camel(finding.Status)} to {Camel(to)}; from {Camel(finding.Status)} it may go to " +
                  $"{(Moves[finding.Status].Length == 0 ? "nothing" : string.Join(", ", Moves[finding.Status].Select(Camel)))}.");
        }

        if (to == FindingStatus.Reported && withdrawn is { Count: > 0 })
        {
            return Rejection.Conflict("The finding rests, through supporting codings, on material of participants who have withdrawn: " +
                                      $"{string.Join("; ", withdrawn)}. Unlink or replace those codings first.");
        }

        if (to == FindingStatus.Reported && unquotable.Count > 0)
        {
            return Rejection.Conflict($"The finding quotes, through its supporting codings, participants whose consent did not allow quoting: " +
                                      $"{string.Join(", ", unquotable)}. Unlink those codings or record their consent to be quoted first.");
        }

        return Decision.Accept(new FindingStatusChanged(evaluationId, finding.Id, finding.Status, to, c.Note));
    }

    private static Rejection? Open(FindingState finding, int? expectedVersion) =>
        Stale(finding, expectedVersion)
        ?? (finding.IsClosed
            ? Rejection.Conflict(finding.Status == FindingStatus.Reported
                ? "A reported finding can only be retracted."
                : "A retracted finding is final.")
            : null);

    private static Rejection? Stale(FindingState finding, int? expectedVersion) =>
        expectedVersion != finding.Version
            ? Rejection.Conflict($"The finding is at version {finding.Version}, not {expectedVersion}; read it again and retry.")
            : null;

    private static IEnumerable<Rejection> Unknown(string field, IReadOnlyList<Guid> ids, IReadOnlySet<Guid> known, string what) =>
        ids.Select((id, i) => (id, i)).Where(x => !known.Contains(x.id))
            .Select(x => Rejection.Invalid($"{field}[{x.i}]", $"There is no such {what} in this evaluation."));

    private static string Camel(FindingStatus s) => char.ToLowerInvariant(s.ToString()[0]) + s.ToString()[1..];
}
