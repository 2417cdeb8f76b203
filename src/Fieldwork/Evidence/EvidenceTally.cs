namespace Fieldwork.Evidence;

/// <summary>What was collected: interviews, observations, documents, minutes observed, codings.</summary>
public sealed record EvidenceCounts(int Interviews, int Observations, int Documents, int ObservedMinutes, int Codings)
{
    public static readonly EvidenceCounts None = new(0, 0, 0, 0, 0);

    public EvidenceCounts Add(CountedItem item)
    {
        var counted = this with { Codings = Codings + item.Codings };
        return item.Kind switch
        {
            EvidenceKind.Interview => counted with { Interviews = Interviews + 1 },
            EvidenceKind.Observation => counted with { Observations = Observations + 1, ObservedMinutes = ObservedMinutes + item.ObservedMinutes },
            _ => counted with { Documents = Documents + 1 },
        };
    }
}

/// <summary>Counts per wave, for reads that show them by wave; the wave's name makes the answer read without a join.</summary>
public sealed record WaveCounts(Guid WaveId, string WaveName, EvidenceCounts Counts);

/// <summary>
/// The evidence of an evaluation at one cut, counted per site, per pairing and per wave: the
/// counts every site, pairing and evaluation read carries, always at the read's own cut.
/// </summary>
public sealed class EvidenceTally
{
    private readonly Dictionary<Guid, EvidenceCounts> bySite = [];
    private readonly Dictionary<Guid, EvidenceCounts> byPairing = [];
    private readonly Dictionary<(Guid Owner, Guid Wave), EvidenceCounts> byWave = [];
    private readonly IReadOnlyDictionary<Guid, string> waveNames;

    /// <param name="items">The evidence as it stood at the cut.</param>
    /// <param name="waveNames">The evaluation's waves by id, to name them in <see cref="ByWave"/>.</param>
    public EvidenceTally(IEnumerable<CountedItem> items, IReadOnlyDictionary<Guid, string>? waveNames = null)
    {
        this.waveNames = waveNames ?? new Dictionary<Guid, string>();
        foreach (var item in items)
        {
            Total = Total.Add(item);
            foreach (var site in item.SiteIds)
            {
                bySite[site] = bySite.GetValueOrDefault(site, EvidenceCounts.None).Add(item);
                Wave(site, item);
            }

            if (item.PairingId is { } pairing)
            {
                byPairing[pairing] = byPairing.GetValueOrDefault(pairing, EvidenceCounts.None).Add(item);
                Wave(pairing, item);
            }

            Wave(Guid.Empty, item);
        }
    }

    public static EvidenceTally Empty { get; } = new([]);

    private readonly Dictionary<Guid, (int Count, DateOnly Last)> visitsBySite = [];

    /// <summary>Adds the visits made by the cut: each counts once at each site it went to, with its last day by the cut.</summary>
    public EvidenceTally WithVisits(IEnumerable<Visits.VisitState> visits, DateOnly asOf)
    {
        foreach (var visit in visits)
        {
            var last = visit.EndsOn < asOf ? visit.EndsOn : asOf;
            foreach (var site in visit.SiteIds.Distinct())
            {
                var (count, known) = visitsBySite.GetValueOrDefault(site);
                visitsBySite[site] = (count + 1, count > 0 && known > last ? known : last);
            }
        }

        return this;
    }

    /// <summary>How many visits a site had by the cut, and the last day of the latest.</summary>
    public (int Visits, DateOnly? LastVisitedOn) VisitsTo(Guid siteId) =>
        visitsBySite.TryGetValue(siteId, out var v) ? (v.Count, v.Last) : (0, null);

    public EvidenceCounts Total { get; private set; } = EvidenceCounts.None;

    public EvidenceCounts ForSite(Guid siteId) => bySite.GetValueOrDefault(siteId, EvidenceCounts.None);

    public EvidenceCounts ForPairing(Guid pairingId) => byPairing.GetValueOrDefault(pairingId, EvidenceCounts.None);

    /// <summary>Counts by wave for a site or pairing (or, with no id, the whole evaluation); items without a wave are left out.</summary>
    public IReadOnlyList<WaveCounts> ByWave(Guid ownerId = default) =>
        [.. byWave.Where(x => x.Key.Owner == ownerId).OrderBy(x => x.Key.Wave).Select(x => new WaveCounts(x.Key.Wave, waveNames.GetValueOrDefault(x.Key.Wave, ""), x.Value))];

    private void Wave(Guid owner, CountedItem item)
    {
        if (item.WaveId is { } wave)
        {
            byWave[(owner, wave)] = byWave.GetValueOrDefault((owner, wave), EvidenceCounts.None).Add(item);
        }
    }
}
