using static Microsoft.Playwright.Assertions;

namespace Fieldwork.Tests.Web;

public sealed class when_auditing_in_the_ui(BrowserFixture ui) : BrowserTest(ui)
{
    [Fact]
    public async Task an_auditor_verifies_the_chain_and_reads_the_log()
    {
        await SignInAsync("demo-auditor");
        await Page.GotoAsync($"{Evaluation}/audit");
        await Expect(Page.GetByTestId("audit-row")).ToHaveCountAsync(50);
        await Page.GetByTestId("verify").ClickAsync();

        var result = Page.GetByTestId("verify-result");
        await Expect(result).ToBeVisibleAsync();
        // The daemon chains the demo's events as it follows the log: ok, or pending while it catches up, never broken.
        Assert.Contains(await result.GetAttributeAsync("data-status"), new[] { "ok", "pending" });
        Assert.True(long.Parse(await Page.GetByTestId("verify-checked").InnerTextAsync()) > 0);
        await Expect(Page.GetByTestId("verify-head")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
    }
}
