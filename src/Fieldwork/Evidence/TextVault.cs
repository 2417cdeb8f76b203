using System.Security.Cryptography;
using System.Text;

namespace Fieldwork.Evidence;

/// <summary>
/// The key an interview's text is sealed under, with the participants it belongs to, stored
/// only wrapped under the key-encryption key (see <see cref="Secrets.KeyRing"/>). One key per
/// interview: erasing any of its participants' transcripts destroys the key (the document stays,
/// marked <see cref="Erased"/>, so that nothing makes a new one for the same interview), and a
/// group transcript is erased whole (the study cannot cut one voice out of a conversation reliably).
/// </summary>
public sealed record TextKey
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public List<Guid> ParticipantIds { get; set; } = [];

    /// <summary>The key wrapped under the key-encryption key (empty once erased).</summary>
    public byte[] Wrapped { get; set; } = [];

    /// <summary>The fingerprint of the key-encryption key that wraps it.</summary>
    public string Kek { get; set; } = "";

    public bool Erased { get; set; }

    /// <summary>Stores from before wrapping kept the key here in plaintext; the first start wraps it and empties this.</summary>
    public byte[] Key { get; set; } = [];

    /// <summary>The same document with the key destroyed.</summary>
    public TextKey Destroyed() => this with { Wrapped = [], Key = [], Kek = "", Erased = true };
}

/// <summary>An interview's text key, unwrapped: in memory for one request, never stored.</summary>
public sealed record TextSecret(Guid EvidenceId, byte[] Key);

public static class TextVault
{
    public static SealedText Seal(TextSecret key, int version, string text)
    {
        var plaintext = Encoding.UTF8.GetBytes(text);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(key.Key, tag.Length);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, Associated(key.EvidenceId, version));
        return new SealedText(Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    /// <summary>The text, or null when its key is gone (erased).</summary>
    public static string? Open(TextSecret? key, int version, SealedText sealedText)
    {
        if (key is null)
        {
            return null;
        }

        var ciphertext = Convert.FromBase64String(sealedText.Ciphertext);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key.Key, AesGcm.TagByteSizes.MaxSize);
        aes.Decrypt(Convert.FromBase64String(sealedText.Nonce), ciphertext, Convert.FromBase64String(sealedText.Tag), plaintext,
            Associated(key.EvidenceId, version));
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>
    /// The fingerprint a sealed text publishes: HMAC-SHA256 of its UTF-8 under the interview's own
    /// key. While the key exists the API can confirm a text against it; once the key is destroyed
    /// nobody can, so it confirms no guess about an erased transcript.
    /// </summary>
    public static string Fingerprint(TextSecret key, string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key.Key, Encoding.UTF8.GetBytes(text)));

    private static byte[] Associated(Guid evidenceId, int version) => [.. evidenceId.ToByteArray(), .. BitConverter.GetBytes(version)];
}
