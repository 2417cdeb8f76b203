using Fieldwork.Web.Api;
using Microsoft.AspNetCore.Components;

namespace Fieldwork.Web.Components;

/// <summary>
/// A page about one evaluation: loads it (name, waves, the caller's role) and shows what the API
/// refused instead of the page.
/// </summary>
public abstract class EvaluationPage : ComponentBase
{
    [Parameter]
    public Guid EvaluationId { get; set; }

    [Inject]
    protected FieldworkApi Api { get; set; } = null!;

    [Inject]
    protected NavigationManager Nav { get; set; } = null!;

    protected Evaluation? Evaluation { get; private set; }

    protected ApiProblem? Problem { get; set; }

    /// <summary>Counts loads so that an answer to an older request (the date moved on) is dropped.</summary>
    private int generation;

    protected string Base => $"evaluations/{EvaluationId}";

    protected string ApiBase => $"api/evaluations/{EvaluationId}";

    protected override async Task OnParametersSetAsync()
    {
        var mine = ++generation;
        try
        {
            if (Evaluation?.Id != EvaluationId)
            {
                Evaluation = await Api.GetAsync<Evaluation>(ApiBase);
            }

            await LoadAsync(() => mine == generation);
            if (mine == generation)
            {
                Problem = null;
            }
        }
        catch (ApiProblem problem) when (mine == generation)
        {
            Problem = problem;
        }
    }

    /// <summary>The page's own reads; <paramref name="current"/> says whether they are still wanted.</summary>
    protected abstract Task LoadAsync(Func<bool> current);

    /// <summary>Runs an action of the user's, showing a refusal instead of failing the circuit.</summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            Problem = null;
            return true;
        }
        catch (ApiProblem problem)
        {
            Problem = problem;
            return false;
        }
    }

    private IReadOnlyDictionary<Guid, string>? siteCodes;

    /// <summary>Every site's code (as of now), to show ids as codes.</summary>
    protected async Task<IReadOnlyDictionary<Guid, string>> SiteCodesAsync() =>
        siteCodes ??= (await Api.GetAsync<Page<Site>>($"{ApiBase}/sites?limit=500")).Items.ToDictionary(s => s.Id, s => s.Code);

    /// <summary>Site ids as their codes.</summary>
    protected string Codes(IEnumerable<Guid>? ids) =>
        string.Join(", ", (ids ?? []).Select(id => siteCodes?.GetValueOrDefault(id) ?? id.ToString()[..8]));

    /// <summary>A query string from the values given (null ones left out).</summary>
    protected static string Query(params (string Name, string? Value)[] values)
    {
        var given = values.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => $"{v.Name}={Uri.EscapeDataString(v.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join("&", given);
    }
}
