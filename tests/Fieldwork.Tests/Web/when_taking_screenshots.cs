using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fieldwork.Tests.Web;

/// <summary>
/// Each main view, rendered and photographed. The pictures go to a temporary folder, or with
/// FIELDWORK_SCREENSHOTS=docs/ui (a folder, relative to the checkout) to where docs/ui.md shows them:
/// <c>FIELDWORK_SCREENSHOTS=docs/ui dotnet test tests/Fieldwork.Tests --filter FullyQualifiedName~when_taking_screenshots</c>.
/// </summary>
public sealed class when_taking_screenshots(BrowserFixture ui) : BrowserTest(ui)
{
    [Fact]
    public async Task every_main_view_renders_and_is_photographed()
    {
        var folder = Folder();
        await Page.SetViewportSizeAsync(1280, 1100);
        await Page.GotoAsync(Ui.BaseUrl);
        await Expect(Page.GetByTestId("sign-in")).ToBeVisibleAsync();
        await ShootAsync(folder, "sign-in");

        await SignInAsDemoAsync(Page, "demo-analyst");
        await Page.GotoAsync($"{Evaluation}?asOf=2019-06-30");
        await Expect(Page.GetByTestId("overview")).ToHaveAttributeAsync("data-loaded-as-of", "2019-06-30");
        await Page.Locator("[data-testid=pairing-edge][data-flow=twoWay]").First.FocusAsync();
        await ShootAsync(folder, "overview");

        var finding = (await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/findings", "demo-analyst"))["items"]![0]!["id"];
        var evidence = (await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/evidence?kind=observation&limit=1", "demo-analyst"))["items"]![0]!["id"];
        (string Name, string Path, string Ready)[] views =
        [
            ("evidence-item", $"/evidence/{evidence}", "coded-span"),
            ("coded-quotes", "", "coded-quote"),
            ("codebook", "/codebook", "code-node"),
            ("coverage", "/coverage?asOf=2019-12-31", "coverage-row"),
            ("changes", "/changes?from=2018-06-30&to=2020-06-30", "change-row"),
            ("matrix", "/matrix?rows=sites", "matrix"),
            ("agreement", "/agreement?coderIds=demo-analyst,demo-analyst-2", "agreement-row"),
            ("finding", $"/findings/{finding}", "provenance-node"),
        ];
        foreach (var (name, path, ready) in views)
        {
            if (name == "coded-quotes")
            {
                // Everything coded with the code of the first coding on the evidence page shown before.
                await Page.GetByTestId("coding-code").First.ClickAsync();
                await Expect(Page.GetByTestId(ready).First).ToBeVisibleAsync();
                await ShootAsync(folder, name);
                continue;
            }

            await Page.GotoAsync($"{Evaluation}{path}");
            await Expect(Page.GetByTestId(ready).First).ToBeVisibleAsync();
            await ShootAsync(folder, name);
        }

        await SignInAgainAsync("demo-auditor");
        await Page.GotoAsync($"{Evaluation}/audit");
        await Page.GetByTestId("verify").ClickAsync();
        await Expect(Page.GetByTestId("verify-result")).ToBeVisibleAsync();
        await ShootAsync(folder, "audit");
    }

    private async Task SignInAgainAsync(string user)
    {
        await Page.GetByTestId("sign-out").ClickAsync();
        await SignInAsDemoAsync(Page, user);
    }

    private async Task ShootAsync(string folder, string name)
    {
        var file = Path.Combine(folder, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
        Assert.True(new FileInfo(file).Length > 5_000, $"{name}.png is nearly empty");
    }

    private static string Folder()
    {
        if (Environment.GetEnvironmentVariable("FIELDWORK_SCREENSHOTS") is { Length: > 0 } wanted)
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Fieldwork.sln")))
            {
                root = root.Parent;
            }

            var folder = Path.Combine(root?.FullName ?? ".", wanted);
            Directory.CreateDirectory(folder);
            return folder;
        }

        return Directory.CreateTempSubdirectory("fieldwork-ui-").FullName;
    }
}
