using System.Text.Json.Nodes;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fieldwork.Tests.Web;

public sealed class when_reading_the_evaluation_in_the_ui(BrowserFixture ui) : BrowserTest(ui)
{
    private string ApiBase => $"api/evaluations/{Ui.EvaluationId}";

    [Fact]
    public async Task a_findings_provenance_opens_as_a_tree_down_to_the_evidence_and_downloads_as_prov_json()
    {
        var findings = await Ui.ApiAsync($"{ApiBase}/findings", "demo-analyst");
        var finding = findings["items"]![0]!["id"]!.GetValue<string>();
        var provenance = await Ui.ApiAsync($"{ApiBase}/findings/{finding}/provenance", "demo-analyst");
        var links = provenance["evidence"]!.AsArray();

        await SignInAsync("demo-analyst");
        await Page.GotoAsync($"{Evaluation}/findings");
        await Page.Locator($"[data-testid=finding-row][data-finding-id='{finding}'] [data-testid=finding-link]").ClickAsync();
        await Expect(Page.GetByTestId("finding-statement")).ToHaveTextAsync(provenance["finding"]!["statement"]!.GetValue<string>());
        var nodes = Page.GetByTestId("provenance-node");
        await Expect(nodes.And(Page.Locator("[data-kind=finding]"))).ToHaveCountAsync(1);
        await Expect(nodes.And(Page.Locator("[data-kind=coding]"))).ToHaveCountAsync(links.Count(l => l!["kind"]!.GetValue<string>() == "coding"));
        await Expect(nodes.And(Page.Locator("[data-kind=evidence]"))).ToHaveCountAsync(links.Count(l => l!["coding"] is JsonObject));
        var firstQuote = links.First(l => l!["coding"] is JsonObject)!["coding"]!["quote"]!.GetValue<string>();
        await Expect(nodes.And(Page.Locator("[data-kind=quote]")).First).ToContainTextAsync(firstQuote);

        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByTestId("prov-json").ClickAsync());
        Assert.EndsWith(".prov.json", download.SuggestedFilename);
        var prov = JsonNode.Parse(await File.ReadAllTextAsync((await download.PathAsync())!))!;
        Assert.Equal("urn:fieldwork:", prov["prefix"]!["fw"]!.GetValue<string>());
        Assert.NotNull(prov["entity"]![$"fw:finding-{finding}-v{provenance["finding"]!["version"]}"]);
    }

    [Fact]
    public async Task coverage_shows_one_row_per_site_of_the_wave_with_the_gaps_highlighted()
    {
        var wave2 = (await Ui.ApiAsync($"{ApiBase}/waves", "demo-lead"))["items"]![1]!["id"]!.GetValue<string>();
        var coverage = await Ui.ApiAsync($"{ApiBase}/coverage?waveId={wave2}&asOf=2019-12-31", "demo-lead");
        var sites = coverage["waves"]![0]!["sites"]!.AsArray();

        await SignInAsync("demo-fieldworker");
        await Page.GotoAsync($"{Evaluation}/coverage?waveId={wave2}&asOf=2019-12-31");
        await Expect(Page.GetByTestId("coverage")).ToHaveAttributeAsync("data-loaded", $"{wave2}/2019-12-31");
        var rows = await Page.GetByTestId("coverage-row").EvaluateAllAsync<string[]>("rows => rows.map(r => `${r.dataset.siteId} ${r.dataset.status} ${r.className}`)");
        Assert.Equal(
            sites.Select(s => $"{s!["siteId"]} {s["status"]} {(s["status"]!.GetValue<string>() is "inProgress" or "notStarted" ? "gap" : "")}".TrimEnd()).Order(),
            rows.Select(r => r.TrimEnd()).Order());
        Assert.Contains(rows, r => r.EndsWith(" gap", StringComparison.Ordinal));

        // A visit of the wave lists its items.
        await Page.GetByTestId("visit-row").First.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.GetByTestId("visit-item").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task the_changes_between_two_dates_and_a_sites_recorded_history_are_those_the_api_gives()
    {
        var changes = await Ui.ApiAsync($"{ApiBase}/changes?from=2018-06-30&to=2020-06-30", "demo-lead");
        var expected = new[] { "sites", "pairings" }.Sum(kind => changes[kind]!.AsArray().Sum(e => e!["changes"]!.AsArray().Count));

        await SignInAsync("demo-lead");
        await Page.GotoAsync($"{Evaluation}/changes?from=2018-06-30&to=2020-06-30");
        await Expect(Page.GetByTestId("changes")).ToHaveAttributeAsync("data-loaded", "2018-06-30/2020-06-30");
        await Expect(Page.GetByTestId("change-row")).ToHaveCountAsync(expected);
        await Page.GetByTestId("changes-from").FillAsync("2019-06-30");
        await Expect(Page.GetByTestId("changes")).ToHaveAttributeAsync("data-loaded", "2019-06-30/2020-06-30");
        await Expect(Page).ToHaveURLAsync($"{Evaluation}/changes?from=2019-06-30&to=2020-06-30");

        var site = (await Ui.ApiAsync($"{ApiBase}/sites?limit=1", "demo-lead"))["items"]![0]!;
        var history = await Ui.ApiAsync($"{ApiBase}/sites/{site["id"]}/history", "demo-lead");
        await Page.GotoAsync($"{Evaluation}/sites/{site["id"]}");
        await Expect(Page.GetByTestId("site-code")).ToHaveTextAsync(site["code"]!.GetValue<string>());
        await Expect(Page.GetByTestId("history-row")).ToHaveCountAsync(history["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task the_codebook_shows_merges_and_retirements_as_of_the_date_and_agreement_is_the_apis()
    {
        var agreement = await Ui.ApiAsync($"{ApiBase}/agreement?coderIds=demo-analyst,demo-analyst-2", "demo-analyst");
        await SignInAsync("demo-analyst");
        await Page.GotoAsync($"{Evaluation}/codebook");
        await Expect(Page.Locator("[data-testid=code-node][data-status=merged]")).ToContainTextAsync("Super-users merged into Champions");
        await Expect(Page.Locator("[data-testid=code-node][data-status=retired]")).ToContainTextAsync("Mobile devices");
        // Before the merge (September 2019) Super-users was a code of its own, and nothing was retired.
        await Page.GetByTestId("as-of").FillAsync("2019-01-31");
        await Expect(Page).ToHaveURLAsync($"{Evaluation}/codebook?asOf=2019-01-31");
        // The node's own name (a parent's node holds its children's names too).
        await Expect(Page.Locator("[data-testid=code-node][data-status=active] > a.name").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^Super-users$") }))
            .ToHaveCountAsync(1);
        await Expect(Page.Locator("[data-testid=code-node]:not([data-status=active])")).ToHaveCountAsync(0);

        await Page.GotoAsync($"{Evaluation}/agreement");
        await Page.GetByTestId("coders-input").FillAsync("demo-analyst, demo-analyst-2");
        await Page.GetByTestId("compare").ClickAsync();
        await Expect(Page).ToHaveURLAsync($"{Evaluation}/agreement?coderIds=demo-analyst%2Cdemo-analyst-2");
        await Expect(Page.GetByTestId("alpha")).ToHaveTextAsync(
            agreement["krippendorffAlpha"]!.GetValue<double>().ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("agreement-row")).ToHaveCountAsync(agreement["perCode"]!.AsArray().Count);
        await Expect(Page.GetByTestId("disagreement-row").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task the_main_views_have_no_serious_or_critical_accessibility_violations()
    {
        var finding = (await Ui.ApiAsync($"{ApiBase}/findings", "demo-analyst"))["items"]![0]!["id"]!.GetValue<string>();
        var evidence = (await Ui.ApiAsync($"{ApiBase}/evidence?kind=document&limit=1", "demo-analyst"))["items"]![0]!["id"]!.GetValue<string>();
        await Page.GotoAsync(Ui.BaseUrl);
        await Expect(Page.GetByTestId("sign-in")).ToBeVisibleAsync();
        var failures = new List<string>();
        await CheckAsync("sign-in", failures);
        await SignInAsDemoAsync(Page, "demo-lead");
        await CheckAsync("evaluations", failures);
        foreach (var (path, ready) in new[]
        {
            ("?asOf=2019-06-30", "overview"), ($"/evidence/{evidence}", "evidence-text"), ($"/findings/{finding}", "provenance"),
            ("/coverage", "coverage"), ("/codebook", "codebook"), ("/matrix?rows=waves", "matrix"), ("/audit", "audit-row"),
        })
        {
            await Page.GotoAsync(Evaluation + path);
            await Expect(Page.GetByTestId(ready).First).ToBeVisibleAsync();
            await CheckAsync(path, failures);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task CheckAsync(string view, List<string> failures)
    {
        var result = await Page.RunAxe();
        failures.AddRange(result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{view}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
    }
}
