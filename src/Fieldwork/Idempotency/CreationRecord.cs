using System.Security.Cryptography;
using System.Text;

namespace Fieldwork.Idempotency;

/// <summary>
/// Remembers that a client-chosen id was used to create something, so that a retried request
/// answers the same and a different request with the same id is refused. It keeps keyed
/// fingerprints of the request, never the request itself (bodies may hold transcripts or
/// personal data): <see cref="RequestHash"/> over what is stored in the clear, and
/// <see cref="SealedHash"/> over what is sealed (personal details, a transcript), which an
/// erasure deletes. Inserted in the same transaction as the creation: the primary key is the
/// judge when two copies of a request race.
/// </summary>
public sealed record CreationRecord
{
    public Guid Id { get; set; }

    public string RequestHash { get; set; } = "";

    /// <summary>The sealed part's fingerprint ("" when the request sealed nothing); null once erased.</summary>
    public string? SealedHash { get; set; } = "";

    /// <summary>False only for records from before fingerprints were keyed (their hash is then re-keyed at the first start).</summary>
    public bool Keyed { get; set; }

    public string Location { get; set; } = "";

    public string UserId { get; set; } = "";

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// A request's fingerprints: HMAC-SHA256 under a key kept wrapped outside the reach of a database
/// reader, so that nobody holding the database can test a guessed name, email or transcript
/// against them.
/// </summary>
public sealed class RequestFingerprint
{
    private readonly Lazy<string> legacy;

    private RequestFingerprint(string request, string sealedPart, Func<string> legacy)
    {
        Request = request;
        Sealed = sealedPart;
        this.legacy = new Lazy<string>(legacy);
    }

    /// <summary>Over the request without its sealed fields.</summary>
    public string Request { get; }

    /// <summary>Over the sealed fields alone ("" when there are none).</summary>
    public string Sealed { get; }

    /// <summary>
    /// The request's fingerprints. <paramref name="wholeBody"/> is needed only to match a record from
    /// before keying, so it is serialised (and hashed) only if such a record is met.
    /// </summary>
    public static RequestFingerprint Of(byte[] key, string method, string path, Guid id, string clearBody, string? sealedBody,
        Func<string> wholeBody) =>
        new(Hmac(key, $"request\n{method}\n{path}\n{id}\n{clearBody}"),
            sealedBody is null ? "" : Hmac(key, $"sealed\n{id}\n{sealedBody}"),
            () => KeyedLegacy(key, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{method}\n{path}\n{id}\n{wholeBody()}")))));

    /// <summary>How a record from before keying keeps its old hash: keyed too.</summary>
    public static string KeyedLegacy(byte[] key, string legacyHash) => Hmac(key, "legacy\n" + legacyHash);

    /// <summary>
    /// Whether a request matches an earlier record: the clear part always, the sealed part unless
    /// an erasure deleted it (then there is nothing left to compare it with).
    /// </summary>
    public bool Matches(CreationRecord earlier) =>
        (earlier.RequestHash == Request && (earlier.SealedHash is null || earlier.SealedHash == Sealed)) || earlier.RequestHash == legacy.Value;

    private static string Hmac(byte[] key, string text) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)));
}
