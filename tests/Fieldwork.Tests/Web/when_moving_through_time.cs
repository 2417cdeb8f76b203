using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fieldwork.Tests.Web;

public sealed class when_moving_through_time(BrowserFixture ui, Xunit.Abstractions.ITestOutputHelper output) : BrowserTest(ui)
{
    [Fact]
    public async Task the_network_and_the_sites_table_show_exactly_what_state_returns_for_each_date()
    {
        await SignInAsync("demo-analyst");
        await Page.GotoAsync($"{Evaluation}?asOf=2017-03-31");
        await ShowsStateAsync("2017-03-31");

        // Typing a date moves everything, and the URL keeps it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Page.GetByTestId("as-of").FillAsync("2018-06-30");
        await Expect(Page.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", "2018-06-30");
        output.WriteLine($"2017-03-31 -> 2018-06-30: the network and the table were redrawn {clock.ElapsedMilliseconds} ms after the date was typed");
        await ShowsStateAsync("2018-06-30");
        await Expect(Page).ToHaveURLAsync($"{Evaluation}?asOf=2018-06-30");
        await Expect(Page.Locator("[data-testid=pairing-edge][data-status=dissolved]")).Not.ToHaveCountAsync(0);

        clock.Restart();
        await Page.GetByTestId("as-of").FillAsync("2020-06-30");
        await Expect(Page.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", "2020-06-30");
        output.WriteLine($"2018-06-30 -> 2020-06-30: redrawn after {clock.ElapsedMilliseconds} ms");
        await ShowsStateAsync("2020-06-30");
        await Expect(Page.Locator("[data-testid=pairing-edge][data-flow=twoWay]")).Not.ToHaveCountAsync(0);

        // The slider, by keyboard: End is the evaluation's last day.
        await Page.GetByTestId("as-of-slider").FocusAsync();
        await Page.Keyboard.PressAsync("End");
        await ShowsStateAsync("2021-09-30");
        await Expect(Page.GetByTestId("as-of")).ToHaveValueAsync("2021-09-30");
    }

    [Fact]
    public async Task focusing_a_pairing_says_its_alignment_and_exchange_counts()
    {
        await SignInAsync("demo-lead");
        await Page.GotoAsync($"{Evaluation}?asOf=2020-06-30");
        var edge = Page.Locator("[data-testid=pairing-edge][data-flow=twoWay]").First;
        var id = await edge.GetAttributeAsync("data-pairing-id");
        await edge.FocusAsync();
        var pairing = (await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/pairings/{id}?asOf=2020-06-30", "demo-lead")).AsObject();
        var exchanges = pairing["exchanges"]!;
        var detail = Page.GetByTestId("pairing-detail");
        await Expect(detail).ToContainTextAsync($"{pairing["exemplarSiteCode"]} → {pairing["followerSiteCode"]}");
        await Expect(detail).ToContainTextAsync($"{exchanges["exemplarToFollower"]} exemplar to follower, {exchanges["followerToExemplar"]} follower to exemplar");
        await Expect(detail).ToContainTextAsync($"cultural fit {pairing["alignment"]!["culturalFit"]}/5");
        await Expect(edge).ToHaveAttributeAsync("aria-label", await detail.InnerTextAsync());
    }

    /// <summary>The page shows, for the date, one row per site and one edge per pairing of GET /state, with the same flow and status.</summary>
    private async Task ShowsStateAsync(string asOf)
    {
        await Expect(Page.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", asOf);
        var state = await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/state?asOf={asOf}", "demo-lead");

        var expectedSites = state["sites"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Order().ToList();
        var rows = await Page.GetByTestId("site-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.siteId)");
        Assert.Equal(expectedSites, rows.Order().ToList());

        var expectedEdges = state["pairings"]!.AsArray()
            .Select(p => $"{p!["id"]} {p["flow"]} {p["status"]}").Order().ToList();
        var edges = await Page.GetByTestId("pairing-edge")
            .EvaluateAllAsync<string[]>("edges => edges.map(e => `${e.dataset.pairingId} ${e.dataset.flow} ${e.dataset.status}`)");
        Assert.Equal(expectedEdges, edges.Order().ToList());
    }
}
