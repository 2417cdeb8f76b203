using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fieldwork.Tests.Web;

public sealed class when_coding_in_the_browser(BrowserFixture ui) : BrowserTest(ui)
{
    [Fact]
    public async Task an_analyst_codes_a_selected_span_sees_it_in_everything_coded_with_that_code_and_removes_it()
    {
        var (evidenceId, text) = await AnObservationWithTextAsync();
        var codebook = await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/codebook", "demo-analyst");
        var workarounds = FindCode(codebook["codes"]!.AsArray(), "Workarounds");
        Assert.NotEmpty(workarounds);
        // A stretch of whole words from the middle of the text, in code points as the API counts.
        var points = text.EnumerateRunes().Select(r => r.ToString()).ToArray();
        var start = Array.IndexOf(points, " ", 40) + 1;
        var end = Array.IndexOf(points, " ", start + 25);
        var quote = string.Concat(points[start..end]);

        await SignInAsync("demo-analyst");
        await Page.GotoAsync($"{Evaluation}/evidence/{evidenceId}");
        await Expect(Page.GetByTestId("evidence-text")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("coded-span").First).ToBeVisibleAsync();
        // Select the span as a reader would, then pick the code and save.
        Assert.True(await Page.EvaluateAsync<bool>(
            "async ([start, end]) => (await import('./_content/Fieldwork.Web/fieldwork.js')).select('evidence-text', start, end)", new[] { start, end }));
        await Page.GetByTestId("code-select").SelectOptionAsync(workarounds);
        await Page.GetByTestId("code-selection").ClickAsync();
        await Expect(Page.GetByTestId("coding-message")).ToContainTextAsync($"Coded characters {start}–{end} as Workarounds");

        var mine = Page.Locator($"[data-testid=coding-row][data-coder=demo-analyst][data-code=Workarounds]").Filter(new() { HasText = quote });
        await Expect(mine).ToHaveCountAsync(1);
        var codingId = await mine.GetAttributeAsync("data-coding-id");
        await Expect(Page.Locator($"[data-testid=coded-span][data-coding-ids~='{codingId}']").First).ToBeVisibleAsync();

        // Everything coded Workarounds, from the code's link: the new quote is there.
        await mine.GetByTestId("coding-code").ClickAsync();
        await Expect(Page.GetByTestId("coded-code")).ToHaveTextAsync("Workarounds");
        await Page.GotoAsync($"{Evaluation}/codings?codeId={workarounds}&coderId=demo-analyst&evidenceId={evidenceId}");
        var listed = Page.Locator($"[data-testid=coded-quote][data-coding-id='{codingId}']");
        await Expect(listed).ToContainTextAsync(quote);

        // And the analyst removes their own coding.
        await Page.GotoAsync($"{Evaluation}/evidence/{evidenceId}");
        var row = Page.Locator($"[data-testid=coding-row][data-coding-id='{codingId}']");
        await row.GetByTestId("remove-coding").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        var after = await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/codings?codeId={workarounds}&evidenceId={evidenceId}&coderId=demo-analyst", "demo-analyst");
        Assert.DoesNotContain(after["items"]!.AsArray(), c => c!["id"]!.GetValue<string>() == codingId);
    }

    [Fact]
    public async Task an_analyst_may_remove_only_their_own_codings_and_a_fieldworker_codes_nothing()
    {
        var (evidenceId, _) = await AnObservationWithTextAsync();
        await SignInAsync("demo-analyst");
        await Page.GotoAsync($"{Evaluation}/evidence/{evidenceId}");
        await Expect(Page.GetByTestId("coding-form")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=coding-row]:not([data-coder=demo-analyst]) [data-testid=remove-coding]")).ToHaveCountAsync(0);

        await Page.GetByTestId("sign-out").ClickAsync();
        await SignInAsDemoAsync(Page, "demo-fieldworker");
        await Page.GotoAsync($"{Evaluation}/evidence/{evidenceId}");
        await Expect(Page.GetByTestId("coded-span").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("coding-form")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("remove-coding")).ToHaveCountAsync(0);
    }

    private async Task<(string Id, string Text)> AnObservationWithTextAsync()
    {
        var list = await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/evidence?kind=observation&limit=20", "demo-analyst");
        foreach (var item in list["items"]!.AsArray())
        {
            var read = await Ui.ApiAsync($"api/evaluations/{Ui.EvaluationId}/evidence/{item!["id"]}", "demo-analyst");
            if (read["texts"]!.AsArray().LastOrDefault()?["text"]?.GetValue<string>() is { Length: > 200 } text && read["codings"]!.AsArray().Count > 0)
            {
                return (item["id"]!.GetValue<string>(), text);
            }
        }

        throw new InvalidOperationException("no coded observation with text in the demo");
    }

    private static string FindCode(JsonArray codes, string name)
    {
        foreach (var code in codes)
        {
            if (code!["name"]!.GetValue<string>() == name)
            {
                return code["id"]!.GetValue<string>();
            }

            if (code["children"] is JsonArray children && children.Count > 0 && FindCode(children, name) is { Length: > 0 } found)
            {
                return found;
            }
        }

        return "";
    }
}
