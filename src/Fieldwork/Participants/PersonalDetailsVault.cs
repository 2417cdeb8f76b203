using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marten;

namespace Fieldwork.Participants;

/// <summary>A participant's name and email: personal data, never stored in plaintext.</summary>
public sealed record PersonalDetails(string Name, string? Email);

/// <summary>
/// One participant's data key, kept in its own table outside the event stream, wrapped under the
/// key-encryption key (see <see cref="Secrets.KeyRing"/>). A withdrawal destroys it and leaves the
/// document marked <see cref="Erased"/>.
/// </summary>
public sealed record ParticipantKey
{
    public Guid Id { get; set; }

    /// <summary>The key wrapped under the key-encryption key (empty once erased).</summary>
    public byte[] Wrapped { get; set; } = [];

    /// <summary>The fingerprint of the key-encryption key that wraps it.</summary>
    public string Kek { get; set; } = "";

    public bool Erased { get; set; }

    /// <summary>Stores from before wrapping kept the key here in plaintext; the first start wraps it and empties this.</summary>
    public byte[] Key { get; set; } = [];

    /// <summary>The same document with the key destroyed.</summary>
    public ParticipantKey Destroyed() => this with { Wrapped = [], Key = [], Kek = "", Erased = true };
}

/// <summary>
/// Seals personal details with AES-GCM under a fresh 256-bit key per participant, bound to the
/// participant's id; opening needs the key, so deleting it erases the details everywhere
/// (crypto-shredding) while the event log stays intact and verifiable.
/// </summary>
public static class PersonalDetailsVault
{
    public static SealedPersonalDetails Seal(byte[] key, Guid participantId, PersonalDetails details)
    {
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(details);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(key, tag.Length);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, participantId.ToByteArray());
        return new SealedPersonalDetails(Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    /// <summary>The details, or null when the key is gone (erased) or nothing was sealed.</summary>
    public static async Task<PersonalDetails?> OpenAsync(IQuerySession session, Secrets.KeyRing keys, Guid participantId,
        SealedPersonalDetails? sealedDetails, CancellationToken cancellation = default)
    {
        if (sealedDetails is null || keys.Open(await session.LoadAsync<ParticipantKey>(participantId, cancellation)) is not { } key)
        {
            return null;
        }

        return Open(key, participantId, sealedDetails);
    }

    public static PersonalDetails Open(byte[] key, Guid participantId, SealedPersonalDetails sealedDetails)
    {
        var nonce = Convert.FromBase64String(sealedDetails.Nonce);
        var ciphertext = Convert.FromBase64String(sealedDetails.Ciphertext);
        var tag = Convert.FromBase64String(sealedDetails.Tag);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, tag.Length);
        aes.Decrypt(nonce, ciphertext, tag, plaintext, participantId.ToByteArray());
        return JsonSerializer.Deserialize<PersonalDetails>(Encoding.UTF8.GetString(plaintext))!;
    }
}
