using System.Globalization;
using Fieldwork.Web.Api;

namespace Fieldwork.Web.Components.Shared;

public sealed record NetworkNode(Guid Id, string Code, string ProgrammeRole, string Kind, string Status, double X, double Y);

public sealed record NetworkEdge(Pairing Pairing, NetworkNode Exemplar, NetworkNode Follower, string Label);

public sealed record NetworkLink(Link Link, NetworkNode A, NetworkNode B, string Path, string Label);

/// <summary>
/// Where the pairing network is drawn: exemplars in the left column, followers in the middle
/// (each beside its exemplar where it can be, to keep edges short), national bodies and vendors
/// on the right. Pairings are straight lines between the first two columns; informal links are
/// curves, drawn apart from them.
/// </summary>
public sealed record NetworkLayout(IReadOnlyList<NetworkNode> Nodes, IReadOnlyList<NetworkEdge> Edges, IReadOnlyList<NetworkLink> Links,
    double Width, double Height)
{
    public const double ExemplarX = 90, FollowerX = 400, OtherX = 690, Top = 40, Row = 26;

    public static NetworkLayout Of(IReadOnlyList<Site> sites, IReadOnlyList<Pairing> pairings, IReadOnlyList<Link> links)
    {
        var exemplars = sites.Where(s => s.ProgrammeRole == "exemplar").OrderBy(s => s.Code, StringComparer.Ordinal).ToList();
        var rank = exemplars.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i);
        // A follower sits level with the first of its exemplars (by the pairings shown).
        var partnerRank = pairings.GroupBy(p => p.FollowerSiteId)
            .ToDictionary(g => g.Key, g => g.Min(p => rank.GetValueOrDefault(p.ExemplarSiteId, int.MaxValue)));
        var followers = sites.Where(s => s.ProgrammeRole == "follower")
            .OrderBy(s => partnerRank.GetValueOrDefault(s.Id, int.MaxValue)).ThenBy(s => s.Code, StringComparer.Ordinal).ToList();
        var others = sites.Where(s => s.ProgrammeRole is not ("exemplar" or "follower")).OrderBy(s => s.Code, StringComparer.Ordinal).ToList();

        var nodes = new List<NetworkNode>();
        void Column(List<Site> column, double x) =>
            nodes.AddRange(column.Select((s, i) => new NetworkNode(s.Id, s.Code, s.ProgrammeRole, s.Kind, s.Status, x, Top + (i * Row))));
        Column(exemplars, ExemplarX);
        Column(followers, FollowerX);
        Column(others, OtherX);
        var byId = nodes.ToDictionary(n => n.Id);

        // A pairing can name a site that is not in the state for the date (not enrolled by then, as
        // recorded): the pairing is still drawn, to a node marked absent below its column.
        var absentRows = new Dictionary<double, int> { [ExemplarX] = exemplars.Count, [FollowerX] = followers.Count };
        foreach (var (id, code, role, x) in pairings.SelectMany(p => new[]
                 {
                     (p.ExemplarSiteId, p.ExemplarSiteCode, "exemplar", ExemplarX),
                     (p.FollowerSiteId, p.FollowerSiteCode, "follower", FollowerX),
                 }))
        {
            if (!byId.ContainsKey(id))
            {
                var node = new NetworkNode(id, code, role, "", "absent", x, Top + (absentRows[x]++ * Row));
                nodes.Add(node);
                byId[id] = node;
            }
        }

        var edges = pairings
            .Where(p => byId.ContainsKey(p.ExemplarSiteId) && byId.ContainsKey(p.FollowerSiteId))
            .Select(p => new NetworkEdge(p, byId[p.ExemplarSiteId], byId[p.FollowerSiteId], Describe(p)))
            .ToList();
        var drawnLinks = links
            .Where(l => byId.ContainsKey(l.SiteAId) && byId.ContainsKey(l.SiteBId))
            .Select(l => LinkOf(l, byId[l.SiteAId], byId[l.SiteBId]))
            .ToList();
        var rows = Math.Max(1, new[] { absentRows[ExemplarX], absentRows[FollowerX], others.Count }.Max());
        return new NetworkLayout(nodes, edges, drawnLinks, OtherX + 110, Top + (rows * Row));
    }

    /// <summary>What an edge says on hover or focus: status, flow, exchanges, alignment.</summary>
    public static string Describe(Pairing p)
    {
        var flow = p.Flow switch
        {
            "twoWay" => "knowledge flows both ways",
            "oneWay" => "knowledge flows one way",
            _ => "no knowledge exchange yet",
        };
        var e = p.Exchanges;
        var text = $"{p.ExemplarSiteCode} → {p.FollowerSiteCode}: {p.Status}, {flow}. " +
                   $"Exchanges: {e.ExemplarToFollower} exemplar to follower, {e.FollowerToExemplar} follower to exemplar, {e.Mutual} mutual " +
                   $"({e.Formal} formal, {e.Informal} informal).";
        if (p.Alignment is { } a)
        {
            text += $" Alignment ({Dates.Iso(a.AssessedOn)}): same system {YesNo(a.SameSystem)}, same region {YesNo(a.SameRegion)}, " +
                    $"prior links {YesNo(a.PriorLinks)}, cultural fit {a.CulturalFit}/5" +
                    (a.DistanceKm is { } km ? $", {km.ToString("0.#", CultureInfo.InvariantCulture)} km apart." : ".");
        }
        else
        {
            text += " Alignment not assessed yet.";
        }

        return text;
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static NetworkLink LinkOf(Link link, NetworkNode a, NetworkNode b)
    {
        // A curve bowing away from the pairing lines: informal ties are not the programme's pairings.
        var midX = ((a.X + b.X) / 2) + 20;
        var midY = ((a.Y + b.Y) / 2) - 30;
        var path = FormattableString.Invariant($"M {a.X:0.#} {a.Y:0.#} Q {midX:0.#} {midY:0.#} {b.X:0.#} {b.Y:0.#}");
        return new NetworkLink(link, a, b, path, $"Informal link {a.Code} – {b.Code}, formed {Dates.Iso(link.FormedOn)}");
    }
}
