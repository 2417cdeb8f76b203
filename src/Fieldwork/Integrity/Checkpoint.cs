using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fieldwork.Integrity;

/// <summary>
/// A signed statement that the log passed through (sequence, head) at a time: an auditor stores it
/// outside the system and later asks verify whether the log still passes through that point.
/// <c>message</c> is exactly the text signed (UTF-8, no trailing newline); <c>signature</c> is
/// ECDSA P-256 over its SHA-256, DER-encoded, in base64 (what <c>openssl dgst -sha256 -verify</c>
/// reads); <c>keyId</c> is the SHA-256 of the public key's DER (SubjectPublicKeyInfo), in hex.
/// </summary>
public sealed record Checkpoint(long Sequence, string Head, DateTimeOffset Time, string Message, string Signature, string KeyId, string Algorithm);

/// <summary>Signs and checks checkpoints with an ECDSA P-256 key that lives outside the database.</summary>
public static class Checkpoints
{
    /// <summary>The signature scheme, as JOSE names it (ECDSA P-256 with SHA-256); the signature itself is DER, not JOSE's raw r||s.</summary>
    public const string Algorithm = "ES256";

    /// <summary>
    /// The signed text: three lines, <c>fieldwork-checkpoint/1</c>, <c>sequence=N head=H</c> and
    /// <c>time=T</c> (UTC, ISO 8601 to the second), joined by newlines, with none at the end.
    /// </summary>
    public static string Message(long sequence, string head, DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture,
            $"fieldwork-checkpoint/1\nsequence={sequence} head={head}\ntime={time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");

    public static Checkpoint Sign(ECDsa key, long sequence, string head, DateTimeOffset time)
    {
        var at = new DateTimeOffset(time.UtcDateTime.Ticks - time.UtcDateTime.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var message = Message(sequence, head, at);
        var signature = key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new Checkpoint(sequence, head, at, message, Convert.ToBase64String(signature), KeyId(key), Algorithm);
    }

    /// <summary>Whether <paramref name="checkpoint"/>'s signature holds for its message under <paramref name="publicKey"/>, and its message states its own fields.</summary>
    public static bool Verify(ECDsa publicKey, Checkpoint checkpoint)
    {
        if (checkpoint.Message != Message(checkpoint.Sequence, checkpoint.Head, checkpoint.Time))
        {
            return false;
        }

        try
        {
            return publicKey.VerifyData(Encoding.UTF8.GetBytes(checkpoint.Message), Convert.FromBase64String(checkpoint.Signature),
                HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>SHA-256 of the public key's SubjectPublicKeyInfo DER, lowercase hex: <c>openssl pkey -pubin -outform DER | sha256sum</c>.</summary>
    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
}

/// <summary>
/// A signed statement that one evaluation's chain passed through (position, head) at a time. Its
/// <c>message</c> is three lines: <c>fieldwork-evaluation-checkpoint/1</c>, <c>evaluation=E
/// position=N head=H</c> and <c>time=T</c>; signature and key id as for <see cref="Checkpoint"/>.
/// It names no store sequence, so it holds wherever the evaluation's events are kept.
/// </summary>
public sealed record EvaluationCheckpoint(Guid EvaluationId, long Position, string Head, DateTimeOffset Time, string Message, string Signature,
    string KeyId, string Algorithm)
{
    public static string MessageOf(Guid evaluationId, long position, string head, DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture,
            $"fieldwork-evaluation-checkpoint/1\nevaluation={evaluationId} position={position} head={head}\ntime={time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");

    public static EvaluationCheckpoint Sign(ECDsa key, Guid evaluationId, long position, string head, DateTimeOffset time)
    {
        var at = new DateTimeOffset(time.UtcDateTime.Ticks - time.UtcDateTime.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var message = MessageOf(evaluationId, position, head, at);
        var signature = key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new EvaluationCheckpoint(evaluationId, position, head, at, message, Convert.ToBase64String(signature), Checkpoints.KeyId(key),
            Checkpoints.Algorithm);
    }

    /// <summary>Whether the signature holds under <paramref name="publicKey"/> and the message states the checkpoint's own fields.</summary>
    public bool Verify(ECDsa publicKey)
    {
        if (Message != MessageOf(EvaluationId, Position, Head, Time))
        {
            return false;
        }

        try
        {
            return publicKey.VerifyData(Encoding.UTF8.GetBytes(Message), Convert.FromBase64String(Signature), HashAlgorithmName.SHA256,
                DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>The state of a whole-store verification run in the background.</summary>
public enum VerificationStatus
{
    Running,
    Done,
    Failed,
}

/// <summary>
/// A whole-store verification started over HTTP: who started it and when, the anchor it checks
/// (if any), and its report once done. <c>Failed</c>: it could not run to the end (the process
/// stopped, or the database failed); <c>error</c> says why.
/// </summary>
public sealed class StoreVerification
{
    public Guid Id { get; set; }

    public VerificationStatus Status { get; set; }

    public string? StartedBy { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public ChainAnchor? Anchor { get; set; }

    public ChainReport? Report { get; set; }

    public string? Error { get; set; }
}
