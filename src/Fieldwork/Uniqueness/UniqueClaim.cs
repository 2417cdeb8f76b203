namespace Fieldwork.Uniqueness;

/// <summary>
/// A key that only one thing may hold at a time: a site code within an evaluation, the open
/// pairing of two sites. Inserted in the same transaction as the events that need it, so the
/// primary key judges two requests that race; deleted when the holder lets it go.
/// </summary>
public sealed class UniqueClaim
{
    public string Id { get; set; } = "";

    public Guid HolderId { get; set; }

    public static string SiteCode(Guid evaluationId, string code) => $"site-code:{evaluationId}:{Sites.SiteCodes.Normalise(code)}";

    public static string OpenPairing(Guid evaluationId, Guid siteA, Guid siteB) =>
        siteA.CompareTo(siteB) < 0 ? $"open-pairing:{evaluationId}:{siteA}:{siteB}" : $"open-pairing:{evaluationId}:{siteB}:{siteA}";
}
