using Microsoft.Playwright;

namespace Fieldwork.Tests.Web;

/// <summary>
/// Base of the browser tests: each test has a browser context of its own (a tab with its own
/// sessionStorage), and fails on any Content-Security-Policy violation or script error the page met.
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture ui) : IAsyncLifetime
{
    protected BrowserFixture Ui { get; } = ui;

    protected IBrowserContext Context { get; private set; } = null!;

    protected IPage Page { get; private set; } = null!;

    private readonly List<string> troubles = [];

    protected string Evaluation => $"{Ui.BaseUrl}evaluations/{Ui.EvaluationId}";

    public async Task InitializeAsync()
    {
        (Context, Page) = await NewTabAsync();
    }

    /// <summary>A fresh tab in a context of its own: nobody is signed in there.</summary>
    protected async Task<(IBrowserContext, IPage)> NewTabAsync()
    {
        var context = await Ui.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Ui.BaseUrl });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                troubles.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => troubles.Add($"page error: {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                troubles.Add($"{response.Status} for {response.Request.Method} {response.Url}");
            }
        };
        return (context, page);
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        Assert.True(troubles.Count == 0, "The page met trouble:\n" + string.Join("\n", troubles));
    }

    /// <summary>Signs in with the one-click demo user of Development, on the page as it is.</summary>
    protected static async Task SignInAsDemoAsync(IPage page, string user)
    {
        await page.GetByTestId("demo-user").And(page.Locator($"[data-user='{user}']")).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(user);
    }

    /// <summary>Opens the UI's home page and signs in as a demo user.</summary>
    protected async Task SignInAsync(string user)
    {
        await Page.GotoAsync(Ui.BaseUrl);
        await SignInAsDemoAsync(Page, user);
    }
}
