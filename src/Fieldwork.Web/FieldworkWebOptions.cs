namespace Fieldwork.Web;

/// <summary>What the host tells the UI about itself.</summary>
public sealed class FieldworkWebOptions
{
    /// <summary>The token claim that holds the user id (the API's Auth:UserIdClaim), to show who is signed in and whose codings are theirs.</summary>
    public string UserIdClaim { get; set; } = "sub";

    /// <summary>
    /// Development only: users signed in with one click, each with a token minted by the host
    /// (<see cref="MintDemoToken"/>). Empty elsewhere, where tokens come from the identity provider.
    /// </summary>
    public IReadOnlyList<string> DemoUsers { get; set; } = [];

    /// <summary>Mints a token for a demo user; null outside Development.</summary>
    public Func<string, string>? MintDemoToken { get; set; }

    /// <summary>Where the UI reaches the API (Web:ApiBaseAddress); null for the host's own listening address.</summary>
    public Uri? ApiBaseAddress { get; set; }
}
