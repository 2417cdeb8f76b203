using Bunit;
using Fieldwork.Web.Api;
using Fieldwork.Web.Components.Shared;

namespace Fieldwork.Tests.Web.Components;

public sealed class when_drawing_the_pairing_network : BunitContext
{
    private static readonly Counts None = new(0, 0, 0, 0, 0);

    private static Site SiteOf(string code, string role, string kind = "acute") =>
        new(Guid.NewGuid(), code, kind, role, null, null, null, "broader", "active", new DateOnly(2016, 10, 1), null, 1, None, 0, null);

    private static Pairing PairingOf(Site exemplar, Site follower, string status, string flow, Alignment? alignment = null) =>
        new(Guid.NewGuid(), exemplar.Id, exemplar.Code, follower.Id, follower.Code, status, new DateOnly(2017, 1, 1), null, null, alignment,
            new Exchanges(3, 2, 1, 4, 2), flow, 1, None);

    [Fact]
    public void each_pairing_is_one_edge_saying_its_flow_and_status_even_to_a_site_not_in_the_state()
    {
        var (ex, f1, f2, nb) = (SiteOf("AC01", "exemplar"), SiteOf("AC07", "follower"), SiteOf("AC08", "follower"), SiteOf("NB01", "other", "nationalBody"));
        var absent = SiteOf("AD06", "follower");
        Pairing[] pairings =
        [
            PairingOf(ex, f1, "dissolved", "oneWay"),
            PairingOf(ex, f2, "established", "twoWay", new Alignment(new DateOnly(2017, 5, 5), true, false, 177m, true, 2, null)),
            PairingOf(ex, absent, "proposed", "none"),
        ];
        var link = new Link(Guid.NewGuid(), f2.Id, nb.Id, new DateOnly(2018, 1, 1), null, 1);

        var network = Render<PairingNetwork>(p => p
            .Add(x => x.Sites, [ex, f1, f2, nb])
            .Add(x => x.Pairings, pairings)
            .Add(x => x.Links, [link]));

        var edges = network.FindAll("[data-testid=pairing-edge]");
        Assert.Equal(pairings.Select(p => $"{p.Id} {p.Flow} {p.Status}").Order(),
            edges.Select(e => $"{e.GetAttribute("data-pairing-id")} {e.GetAttribute("data-flow")} {e.GetAttribute("data-status")}").Order());
        Assert.Contains("status-dissolved", network.Find($"[data-pairing-id='{pairings[0].Id}']").ClassName);
        Assert.Contains("flow-twoWay", network.Find($"[data-pairing-id='{pairings[1].Id}']").ClassName);
        // The site the state does not hold is drawn, marked absent.
        Assert.Contains("status-absent", network.Find($"[data-testid=site-node][data-site-id='{absent.Id}']").ClassName);
        Assert.Single(network.FindAll("[data-testid=link-edge]"));

        // Focus says the counts and the alignment, in the edge's label and in the panel below.
        var established = network.Find($"[data-pairing-id='{pairings[1].Id}']");
        established.Focus();
        var detail = network.Find("[data-testid=pairing-detail]").TextContent.Trim();
        Assert.Equal(established.GetAttribute("aria-label"), detail);
        Assert.Contains("AC01 → AC08: established, knowledge flows both ways", detail);
        Assert.Contains("3 exemplar to follower, 2 follower to exemplar, 1 mutual (4 formal, 2 informal)", detail);
        Assert.Contains("cultural fit 2/5, 177 km apart", detail);
    }
}
