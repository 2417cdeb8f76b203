using System.Security.Cryptography;
using System.Text;

namespace Fieldwork.Secrets;

/// <summary>
/// The key that wraps every data key (participants' and transcripts'), held outside the
/// database: a copy of the database or of a backup without it opens nothing. Wrapping is
/// AES-256-GCM, bound to what the data key is for and to whom it belongs, so a wrapped key
/// copied onto another row does not open.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const int Size = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] key;

    public KeyEncryptionKey(byte[] key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException($"A key-encryption key is {Size} bytes; this one is {key.Length}.", nameof(key));
        }

        this.key = [.. key];
        Fingerprint = FingerprintOf(this.key);
    }

    /// <summary>
    /// Names the key without revealing it: HMAC-SHA256 of a fixed label under the key, shortened.
    /// Stored in the database so that a start with another key is refused before it reads anything.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>A key from its configured text: 32 bytes in base64 (what <see cref="NewText"/> makes).</summary>
    public static KeyEncryptionKey Parse(string text, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} is not base64: it must be {Size} random bytes in base64 (e.g. `openssl rand -base64 32`).");
        }

        return bytes.Length == Size
            ? new KeyEncryptionKey(bytes)
            : throw new InvalidOperationException($"{source} holds {bytes.Length} bytes: it must be {Size} random bytes in base64 (e.g. `openssl rand -base64 32`).");
    }

    /// <summary>A fresh key's text.</summary>
    public static string NewText() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Size));

    /// <summary>A data key sealed under this key: nonce, ciphertext and tag in one array.</summary>
    public byte[] Wrap(byte[] dataKey, string purpose, Guid owner)
    {
        var wrapped = new byte[NonceSize + dataKey.Length + TagSize];
        var nonce = wrapped.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, dataKey, wrapped.AsSpan(NonceSize, dataKey.Length), wrapped.AsSpan(NonceSize + dataKey.Length), Associated(purpose, owner));
        return wrapped;
    }

    /// <summary>The data key; throws <see cref="CryptographicException"/> when it was wrapped under another key or for another owner.</summary>
    public byte[] Unwrap(byte[] wrapped, string purpose, Guid owner)
    {
        if (wrapped.Length <= NonceSize + TagSize)
        {
            throw new CryptographicException("A wrapped key is too short.");
        }

        var length = wrapped.Length - NonceSize - TagSize;
        var dataKey = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize, length), wrapped.AsSpan(NonceSize + length), dataKey,
            Associated(purpose, owner));
        return dataKey;
    }

    private static string FingerprintOf(byte[] key) =>
        "kek-" + Convert.ToHexStringLower(HMACSHA256.HashData(key, "fieldwork key-encryption-key fingerprint"u8))[..24];

    private static byte[] Associated(string purpose, Guid owner) => [.. Encoding.UTF8.GetBytes(purpose + "\n"), .. owner.ToByteArray()];
}
