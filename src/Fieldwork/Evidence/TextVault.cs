using System.Security.Cryptography;
using System.Text;
using Marten;

namespace Fieldwork.Evidence;

/// <summary>
/// The key an interview's text is sealed under, with the participants it belongs to. One key per
/// interview: erasing any of its participants' transcripts destroys the key, so a group
/// transcript is erased whole (the study cannot cut one voice out of a conversation reliably).
/// </summary>
public sealed class TextKey
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public List<Guid> ParticipantIds { get; set; } = [];

    public byte[] Key { get; set; } = [];
}

public static class TextVault
{
    /// <summary>The interview's key, made on first use and kept in the same transaction.</summary>
    public static async Task<TextKey> KeyForAsync(IDocumentSession session, Guid evaluationId, Guid evidenceId,
        IReadOnlyList<Guid> participantIds, CancellationToken cancellation)
    {
        return await session.LoadAsync<TextKey>(evidenceId, cancellation) is { } existing
            ? existing
            : NewKey(session, evaluationId, evidenceId, participantIds);
    }

    /// <summary>A fresh key for an item being created in this transaction.</summary>
    public static TextKey NewKey(IDocumentSession session, Guid evaluationId, Guid evidenceId, IReadOnlyList<Guid> participantIds)
    {
        var key = Key(evaluationId, evidenceId, participantIds);
        session.Insert(key);
        return key;
    }

    /// <summary>A fresh key, not stored yet: its text can be sealed before the transaction that keeps both.</summary>
    public static TextKey Key(Guid evaluationId, Guid evidenceId, IReadOnlyList<Guid> participantIds) =>
        new() { Id = evidenceId, EvaluationId = evaluationId, ParticipantIds = [.. participantIds], Key = RandomNumberGenerator.GetBytes(32) };

    public static SealedText Seal(TextKey key, int version, string text)
    {
        var plaintext = Encoding.UTF8.GetBytes(text);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(key.Key, tag.Length);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, Associated(key.Id, version));
        return new SealedText(Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    /// <summary>The text, or null when its key is gone (erased).</summary>
    public static string? Open(TextKey? key, int version, SealedText sealedText)
    {
        if (key is null)
        {
            return null;
        }

        var ciphertext = Convert.FromBase64String(sealedText.Ciphertext);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key.Key, AesGcm.TagByteSizes.MaxSize);
        aes.Decrypt(Convert.FromBase64String(sealedText.Nonce), ciphertext, Convert.FromBase64String(sealedText.Tag), plaintext,
            Associated(key.Id, version));
        return Encoding.UTF8.GetString(plaintext);
    }

    private static byte[] Associated(Guid evidenceId, int version) => [.. evidenceId.ToByteArray(), .. BitConverter.GetBytes(version)];
}
