using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace Fieldwork.Web.Api;

/// <summary>
/// Who is signed in, for one browser tab (one circuit). The bearer token is kept in the tab's
/// sessionStorage, so a deep link opened in the same tab finds it and a new tab signs in anew;
/// the server keeps it only in this circuit's memory.
/// </summary>
public sealed class UserSession(IJSRuntime js, IOptions<FieldworkWebOptions> options) : IAsyncDisposable
{
    private IJSObjectReference? module;

    public string? Token { get; private set; }

    /// <summary>The user id the token carries, read for display (the API checks the token; this does not).</summary>
    public string? UserId { get; private set; }

    public bool Restored { get; private set; }

    public event Action? Changed;

    public async Task RestoreAsync()
    {
        if (Restored)
        {
            return;
        }

        Set(await (await Module()).InvokeAsync<string?>("getToken"));
        Restored = true;
        Changed?.Invoke();
    }

    public async Task SignInAsync(string token)
    {
        await (await Module()).InvokeVoidAsync("setToken", token);
        Set(token);
        EndedBecause = null;
        Restored = true;
        Changed?.Invoke();
    }

    /// <summary>Why the last sign-in ended, when it was not the user's doing (the API stopped accepting the token).</summary>
    public string? EndedBecause { get; private set; }

    public async Task SignOutAsync(string? because = null)
    {
        await (await Module()).InvokeVoidAsync("clearToken");
        Set(null);
        EndedBecause = because;
        Changed?.Invoke();
    }

    /// <summary>The UI's own script (sessionStorage, text selection, downloads).</summary>
    public async Task<IJSObjectReference> Module() =>
        module ??= await js.InvokeAsync<IJSObjectReference>("import", "./_content/Fieldwork.Web/fieldwork.js");

    private void Set(string? token)
    {
        Token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        UserId = Token is null ? null : UserIdOf(Token, options.Value.UserIdClaim);
    }

    /// <summary>The claim's value from a JWT's payload, unverified; null if the token is not a JWT.</summary>
    public static string? UserIdOf(string token, string claim)
    {
        var parts = token.Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return json.RootElement.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (module is not null)
        {
            try
            {
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The tab is gone; so is the module.
            }
        }
    }
}
