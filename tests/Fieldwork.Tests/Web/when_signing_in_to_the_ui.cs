using Fieldwork.Api.Auth;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fieldwork.Tests.Web;

public sealed class when_signing_in_to_the_ui(BrowserFixture ui) : BrowserTest(ui)
{
    [Fact]
    public async Task a_demo_user_signs_in_with_one_click_and_sees_the_evaluations_they_belong_to_with_their_role()
    {
        await Page.GotoAsync(Ui.BaseUrl);
        await Expect(Page.GetByTestId("token-input")).ToBeVisibleAsync();
        await SignInAsDemoAsync(Page, "demo-auditor");

        var row = Page.GetByTestId("evaluation-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToHaveAttributeAsync("data-role", "auditor");
        await row.GetByTestId("evaluation-link").ClickAsync();
        await Expect(Page).ToHaveURLAsync($"{Evaluation}");
        await Expect(Page.GetByTestId("evaluation-name")).ToContainTextAsync("GDE evaluation (synthetic demo)");
    }

    [Fact]
    public async Task any_bearer_token_the_api_accepts_signs_in_and_one_it_refuses_does_not()
    {
        await Page.GotoAsync(Ui.BaseUrl);
        await Page.GetByTestId("token-input").FillAsync("not-a-token");
        await Page.GetByTestId("sign-in").ClickAsync();
        await Expect(Page.GetByTestId("sign-in-error")).ToContainTextAsync("The token is malformed");
        await Expect(Page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);

        await Page.GetByTestId("token-input").FillAsync(Ui.TokenFor("demo-analyst"));
        await Page.GetByTestId("sign-in").ClickAsync();
        await Expect(Page.GetByTestId("signed-in-as")).ToHaveTextAsync("demo-analyst");
        await Expect(Page.GetByTestId("evaluation-row")).ToHaveAttributeAsync("data-role", "analyst");

        await Page.GetByTestId("sign-out").ClickAsync();
        await Expect(Page.GetByTestId("sign-in")).ToBeVisibleAsync();
        await Page.ReloadAsync();
        await Expect(Page.GetByTestId("sign-in")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task a_deep_link_opens_in_the_signed_in_tab_without_signing_in_again_and_a_new_tab_asks_first()
    {
        await SignInAsync("demo-lead");
        var link = $"{Evaluation}?asOf=2019-03-31&knownAt=2019-01-15";
        await Page.GotoAsync(link);
        await Expect(Page.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", "2019-03-31/2019-01-15");
        await Expect(Page.GetByTestId("as-of")).ToHaveValueAsync("2019-03-31");
        await Expect(Page.GetByTestId("known-at")).ToHaveValueAsync("2019-01-15");
        await Expect(Page.GetByTestId("sign-in")).ToHaveCountAsync(0);

        var (other, tab) = await NewTabAsync();
        await using (other)
        {
            await tab.GotoAsync(link);
            await Expect(tab.GetByTestId("sign-in")).ToBeVisibleAsync();
            await SignInAsDemoAsync(tab, "demo-lead");
            await Expect(tab).ToHaveURLAsync(link);
            await Expect(tab.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", "2019-03-31/2019-01-15");
        }
    }

    [Fact]
    public async Task a_fieldworker_is_not_offered_what_only_analysts_leads_or_auditors_may_do()
    {
        await SignInAsync("demo-fieldworker");
        await Page.GotoAsync(Evaluation);
        await Expect(Page.GetByTestId("role")).ToContainTextAsync("fieldworker");
        await Expect(Page.GetByTestId("nav-evidence")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-audit")).ToHaveCountAsync(0);

        await Page.GotoAsync($"{Evaluation}/audit");
        await Expect(Page.GetByTestId("verify")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task a_sign_in_the_api_stops_accepting_ends_saying_why_and_the_page_asks_for_a_new_one()
    {
        await SignInAsync("demo-lead");
        // The token in the tab expired while the tab was open (minted as of two days ago, for a day).
        var expired = Tokens.Mint(Ui.Auth, "demo-lead", new ShiftedClock(TimeSpan.FromDays(-2)), TimeSpan.FromDays(1));
        await Page.EvaluateAsync("t => sessionStorage.setItem('fieldwork.token', t)", expired);
        await Page.GotoAsync($"{Evaluation}?asOf=2019-06-30");
        await Expect(Page.GetByTestId("signed-out-because")).ToContainTextAsync("The token expired at");
        await SignInAsDemoAsync(Page, "demo-lead");
        await Expect(Page.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", "2019-06-30");
        Assert.Null(await Page.EvaluateAsync<string?>("() => document.querySelector('[data-testid=signed-out-because]')?.textContent ?? null"));
    }

    [Fact]
    public async Task a_path_under_evaluations_that_no_view_has_is_the_uis_not_found_page()
    {
        await SignInAsync("demo-lead");
        await Page.GotoAsync($"{Ui.BaseUrl}evaluations/not-an-id/nowhere");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
    }

    private sealed class ShiftedClock(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }
}
