using System.Security.Cryptography;
using Fieldwork.Evidence;
using Fieldwork.Idempotency;
using Fieldwork.Secrets;

namespace Fieldwork.Tests.Domain;

/// <summary>
/// Data keys are stored only wrapped under the key-encryption key, bound to their purpose and
/// owner; request and text fingerprints are keyed, so a database reader cannot test a guess.
/// </summary>
public sealed class KeyWrappingTests
{
    private static KeyEncryptionKey NewKek() => new(RandomNumberGenerator.GetBytes(KeyEncryptionKey.Size));

    [Fact]
    public void a_wrapped_key_opens_only_under_its_key_for_its_purpose_and_owner()
    {
        var kek = NewKek();
        var owner = Guid.NewGuid();
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = kek.Wrap(dataKey, KeyRing.TextPurpose, owner);

        Assert.Equal(dataKey, kek.Unwrap(wrapped, KeyRing.TextPurpose, owner));
        Assert.False(wrapped.AsSpan().IndexOf(dataKey) >= 0);
        Assert.ThrowsAny<CryptographicException>(() => NewKek().Unwrap(wrapped, KeyRing.TextPurpose, owner));
        Assert.ThrowsAny<CryptographicException>(() => kek.Unwrap(wrapped, KeyRing.ParticipantPurpose, owner));
        Assert.ThrowsAny<CryptographicException>(() => kek.Unwrap(wrapped, KeyRing.TextPurpose, Guid.NewGuid()));
        wrapped[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => kek.Unwrap(wrapped, KeyRing.TextPurpose, owner));
    }

    [Fact]
    public void a_fingerprint_names_a_key_without_revealing_it()
    {
        var bytes = RandomNumberGenerator.GetBytes(KeyEncryptionKey.Size);
        var kek = new KeyEncryptionKey(bytes);
        Assert.Equal(kek.Fingerprint, new KeyEncryptionKey(bytes).Fingerprint);
        Assert.NotEqual(kek.Fingerprint, NewKek().Fingerprint);
        Assert.StartsWith("kek-", kek.Fingerprint);
        Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData(bytes))[..24], kek.Fingerprint);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("c2hvcnQ=")]
    [InlineData("")]
    public void a_configured_key_that_is_not_32_bytes_in_base64_is_refused_with_the_reason(string text)
    {
        var e = Assert.Throws<InvalidOperationException>(() => KeyEncryptionKey.Parse(text, "Secrets:KeyEncryptionKey"));
        Assert.Contains("Secrets:KeyEncryptionKey", e.Message);
        Assert.Contains("32", e.Message);
    }

    [Fact]
    public void a_keyring_destroys_what_it_opened_with_the_key()
    {
        var keys = new KeyRing(NewKek());
        var (stored, open) = keys.NewTextKey(Guid.NewGuid(), Guid.NewGuid(), [Guid.NewGuid()]);
        Assert.Empty(stored.Key);
        Assert.Equal(open.Key, keys.Open(stored)!.Key);
        var sealedText = TextVault.Seal(open, 1, "What was said.");
        Assert.Equal("What was said.", TextVault.Open(keys.Open(stored), 1, sealedText));

        var destroyed = stored.Destroyed();
        Assert.True(destroyed.Erased);
        Assert.Empty(destroyed.Wrapped);
        Assert.Null(keys.Open(destroyed));
        Assert.Null(TextVault.Open(keys.Open(destroyed), 1, sealedText));
        Assert.ThrowsAny<CryptographicException>(() => new KeyRing(NewKek()).Open(stored));
    }

    [Fact]
    public void a_sealed_texts_fingerprint_is_keyed_by_the_text_key()
    {
        var keys = new KeyRing(NewKek());
        var (_, key) = keys.NewTextKey(Guid.NewGuid(), Guid.NewGuid(), []);
        var (_, other) = keys.NewTextKey(Guid.NewGuid(), Guid.NewGuid(), []);
        const string text = "Yes.";
        var plain = Convert.ToHexStringLower(SHA256.HashData("Yes."u8));
        Assert.NotEqual(plain, TextVault.Fingerprint(key, text));
        Assert.NotEqual(TextVault.Fingerprint(key, text), TextVault.Fingerprint(other, text));
        Assert.Equal(TextVault.Fingerprint(key, text), TextVault.Fingerprint(key, text));
    }

    [Fact]
    public void a_request_matches_its_record_on_both_parts_until_an_erasure_removes_the_sealed_one()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var id = Guid.NewGuid();
        RequestFingerprint Of(string clear, string? sealedPart) => RequestFingerprint.Of(key, "POST", "/p", id, clear, sealedPart, () => clear + sealedPart);
        var first = Of("{\"pseudonym\":\"P-1\"}", "{\"name\":\"Ada\"}");
        var record = new CreationRecord { Id = id, RequestHash = first.Request, SealedHash = first.Sealed, Keyed = true };

        Assert.True(first.Matches(record));
        Assert.False(Of("{\"pseudonym\":\"P-1\"}", "{\"name\":\"Bea\"}").Matches(record));
        Assert.False(Of("{\"pseudonym\":\"P-2\"}", "{\"name\":\"Ada\"}").Matches(record));
        Assert.False(Of("{\"pseudonym\":\"P-1\"}", null).Matches(record));

        var erased = record with { SealedHash = null };
        Assert.True(Of("{\"pseudonym\":\"P-1\"}", "{\"name\":\"Bea\"}").Matches(erased));
        Assert.False(Of("{\"pseudonym\":\"P-2\"}", "{\"name\":\"Ada\"}").Matches(erased));

        // Keyed: the same request under another key gives other fingerprints; no part is a plain hash of the sealed text.
        Assert.NotEqual(first.Request, RequestFingerprint.Of(RandomNumberGenerator.GetBytes(32), "POST", "/p", id, "{\"pseudonym\":\"P-1\"}", null, () => "").Request);
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData("{\"name\":\"Ada\"}"u8)), first.Sealed);
    }

    [Fact]
    public void a_record_from_before_keying_still_answers_its_repeat()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var id = Guid.NewGuid();
        var whole = "{\"pseudonym\":\"P-1\",\"personal\":{\"name\":\"Ada\"}}";
        var legacy = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"POST\n/p\n{id}\n{whole}")));
        var record = new CreationRecord { Id = id, RequestHash = RequestFingerprint.KeyedLegacy(key, legacy), Keyed = true };
        Assert.True(RequestFingerprint.Of(key, "POST", "/p", id, "{\"pseudonym\":\"P-1\"}", "{\"name\":\"Ada\"}", () => whole).Matches(record));
        Assert.False(RequestFingerprint.Of(key, "POST", "/p", id, "{\"pseudonym\":\"P-1\"}", "{\"name\":\"Bea\"}", () => whole.Replace("Ada", "Bea")).Matches(record));
    }
}
