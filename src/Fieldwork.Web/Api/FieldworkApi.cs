using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fieldwork.Web.Api;

/// <summary>
/// The HTTP API, called as the signed-in user: the UI reads and writes only through it, so it
/// can never show or do what the API would refuse. A refusal arrives as an <see cref="ApiProblem"/>.
/// </summary>
public sealed class FieldworkApi(HttpClient http, UserSession session)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, session.Token, cancellation);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellation))!;
    }

    public Task<JsonNode> GetJsonAsync(string path, CancellationToken cancellation = default) => GetAsync<JsonNode>(path, cancellation);

    /// <summary>The body as text, asking for <paramref name="accept"/> (PROV-JSON, say).</summary>
    public async Task<string> GetTextAsync(string path, string accept, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, session.Token, cancellation, accept);
        return await response.Content.ReadAsStringAsync(cancellation);
    }

    public async Task<JsonNode?> PostAsync(string path, object body, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Post, path, body, session.Token, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellation = default)
    {
        using var _ = await SendAsync(HttpMethod.Delete, path, null, session.Token, cancellation);
    }

    /// <summary>Whether the API takes this token (the evaluations list answers 200); the refusal otherwise.</summary>
    public async Task<ApiProblem?> CheckTokenAsync(string token, CancellationToken cancellation = default)
    {
        try
        {
            using var _ = await SendAsync(HttpMethod.Get, "api/evaluations?limit=1", null, token, cancellation);
            return null;
        }
        catch (ApiProblem problem)
        {
            return problem;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? token,
        CancellationToken cancellation, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        }

        var response = await http.SendAsync(request, cancellation);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        ApiProblem problem;
        using (response)
        {
            problem = await ProblemOf(response, cancellation);
        }

        // The signed-in token no longer works (it expired, say): sign out, saying why, so the tab asks for a new one.
        if (problem.Status == HttpStatusCode.Unauthorized && token is not null && token == session.Token)
        {
            await session.SignOutAsync("Your sign-in ended: " + (problem.Detail ?? problem.Title));
        }

        throw problem;
    }

    private static async Task<ApiProblem> ProblemOf(HttpResponseMessage response, CancellationToken cancellation)
    {
        var text = await response.Content.ReadAsStringAsync(cancellation);
        string? title = null, detail = null;
        var errors = new Dictionary<string, string[]>();
        try
        {
            if (JsonNode.Parse(text) is JsonObject problem)
            {
                title = problem["title"]?.GetValue<string>();
                detail = problem["detail"]?.GetValue<string>();
                if (problem["errors"] is JsonObject fields)
                {
                    foreach (var (field, messages) in fields)
                    {
                        errors[field] = messages is JsonArray list ? [.. list.Select(m => m?.GetValue<string>() ?? "")] : [];
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not a problem document: the status says enough.
        }

        return new ApiProblem(response.StatusCode, title ?? response.ReasonPhrase ?? "Error", detail, errors);
    }

    public static bool IsNotFound(ApiProblem problem) => problem.Status == HttpStatusCode.NotFound;
}
