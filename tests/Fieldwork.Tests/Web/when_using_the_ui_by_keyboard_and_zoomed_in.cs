using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fieldwork.Tests.Web;

public sealed class when_using_the_ui_by_keyboard_and_zoomed_in(BrowserFixture ui) : BrowserTest(ui)
{
    [Fact]
    public async Task a_keyboard_alone_signs_in_moves_the_date_and_reaches_each_pairing()
    {
        await Page.GotoAsync(Ui.BaseUrl);
        await Expect(Page.GetByTestId("sign-in")).ToBeVisibleAsync();
        Assert.True(await TabToAsync("[data-testid=demo-user][data-user=demo-lead]"));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("signed-in-as")).ToHaveTextAsync("demo-lead");

        await Page.GotoAsync($"{Evaluation}?asOf=2019-06-30");
        await Expect(Page.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", "2019-06-30");
        Assert.True(await TabToAsync("[data-testid=as-of-slider]"));
        await Page.Keyboard.PressAsync("ArrowRight");
        await Expect(Page.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", "2019-07-01");
        Assert.True(await TabToAsync("[data-testid=pairing-edge]", 80));
        await Expect(Page.GetByTestId("pairing-detail")).ToContainTextAsync("→");
    }

    [Fact]
    public async Task at_200_percent_zoom_the_main_views_reflow_without_scrolling_sideways()
    {
        // A 1280-pixel-wide window at 200% zoom lays pages out in 640 CSS pixels.
        await Page.SetViewportSizeAsync(640, 800);
        await SignInAsync("demo-analyst");
        var evidence = (await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/evidence?kind=interview&limit=1", "demo-analyst"))["items"]![0]!["id"];
        var finding = (await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/findings", "demo-analyst"))["items"]![0]!["id"];
        var wide = new List<string>();
        foreach (var (path, ready) in new[]
        {
            ("?asOf=2019-06-30", "overview"), ($"/evidence/{evidence}", "coding-row"), ($"/findings/{finding}", "provenance-node"),
            ("/changes?from=2018-06-30&to=2020-06-30", "change-row"), ("/coverage", "coverage-row"), ("/codebook", "code-node"),
        })
        {
            await Page.GotoAsync(Evaluation + path);
            await Expect(Page.GetByTestId(ready).First).ToBeVisibleAsync();
            var sizes = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            var (scroll, width) = (sizes[0], sizes[1]);
            if (scroll > width)
            {
                wide.Add($"{path}: {scroll} px wide in a {width} px window");
            }
        }

        Assert.True(wide.Count == 0, string.Join("\n", wide));
    }

    /// <summary>Presses Tab until the focused element matches the selector (or gives up).</summary>
    private async Task<bool> TabToAsync(string selector, int presses = 30)
    {
        for (var i = 0; i < presses; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
            if (await Page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return true;
            }
        }

        return false;
    }
}
