using System.Security.Cryptography;
using Fieldwork.Evidence;
using Fieldwork.Participants;
using Marten;

namespace Fieldwork.Secrets;

/// <summary>Which key-encryption key wraps the store's data keys, by fingerprint: a start with another key is refused.</summary>
public sealed class KeyEncryptionRecord
{
    public const string CurrentId = "current";

    public string Id { get; set; } = CurrentId;

    public string Fingerprint { get; set; } = "";

    public DateTimeOffset Since { get; set; }

    /// <summary>The key request fingerprints are computed under, wrapped like every data key (it survives a rotation).</summary>
    public byte[] WrappedRequestKey { get; set; } = [];
}

/// <summary>
/// Makes, wraps and opens the data keys that seal personal details and transcripts. A data key
/// is stored only wrapped under the key-encryption key, which never enters the database; an
/// unwrapped key lives in memory for one request.
/// </summary>
public sealed class KeyRing(KeyEncryptionKey kek)
{
    public const string TextPurpose = "fieldwork text key";
    public const string ParticipantPurpose = "fieldwork participant key";

    public string Fingerprint => kek.Fingerprint;

    public const string RequestPurpose = "fieldwork request fingerprint key";

    private byte[]? requestKey;

    /// <summary>
    /// The key of request fingerprints (set by <see cref="EnsureStoreAsync"/>): kept in the store
    /// wrapped, so no database reader can recompute a fingerprint from a guess.
    /// </summary>
    public byte[] RequestFingerprintKey =>
        requestKey ?? throw new InvalidOperationException("The store's keys were not checked yet (KeyRing.EnsureStoreAsync).");

    /// <summary>A fresh transcript key for a new interview (to store with <see cref="TextKey"/>), and the key itself.</summary>
    public (TextKey Stored, TextSecret Open) NewTextKey(Guid evaluationId, Guid evidenceId, IReadOnlyList<Guid> participantIds)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return (Wrapped(evaluationId, evidenceId, participantIds, key), new TextSecret(evidenceId, key));
    }

    /// <summary>A transcript key made elsewhere (the demo's), wrapped to be stored.</summary>
    public TextKey Wrapped(Guid evaluationId, Guid evidenceId, IReadOnlyList<Guid> participantIds, byte[] key) => new()
    {
        Id = evidenceId,
        EvaluationId = evaluationId,
        ParticipantIds = [.. participantIds],
        Wrapped = kek.Wrap(key, TextPurpose, evidenceId),
        Kek = kek.Fingerprint,
    };

    /// <summary>The transcript key, or null when there is none or it was erased.</summary>
    public TextSecret? Open(TextKey? stored) => stored is { Erased: false, Wrapped.Length: > 0 }
        ? new TextSecret(stored.Id, kek.Unwrap(stored.Wrapped, TextPurpose, stored.Id))
        : null;

    /// <summary>A fresh participant key (to store), and the key itself.</summary>
    public (ParticipantKey Stored, byte[] Open) NewParticipantKey(Guid participantId)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return (new ParticipantKey { Id = participantId, Wrapped = kek.Wrap(key, ParticipantPurpose, participantId), Kek = kek.Fingerprint }, key);
    }

    /// <summary>The participant's key, or null when there is none or it was erased.</summary>
    public byte[]? Open(ParticipantKey? stored) => stored is { Erased: false, Wrapped.Length: > 0 }
        ? kek.Unwrap(stored.Wrapped, ParticipantPurpose, stored.Id)
        : null;

    /// <summary>
    /// Checks, before anything is read, that the store's keys are wrapped under this key: the first
    /// start records its fingerprint (wrapping any key a store from before wrapping left in
    /// plaintext); any later start with another key is refused with <see cref="InvalidOperationException"/>.
    /// </summary>
    public async Task<string> EnsureStoreAsync(IDocumentStore store, TimeProvider clock, CancellationToken cancellation = default)
    {
        await using var session = store.LightweightSession();
        var record = await session.LoadAsync<KeyEncryptionRecord>(KeyEncryptionRecord.CurrentId, cancellation);
        if (record is not null)
        {
            if (record.Fingerprint == kek.Fingerprint)
            {
                requestKey = kek.Unwrap(record.WrappedRequestKey, RequestPurpose, Guid.Empty);
                return "matches the store";
            }

            throw new InvalidOperationException(
                    $"the key-encryption key given (fingerprint {kek.Fingerprint}) is not the one this database's keys are wrapped with " +
                    $"(fingerprint {record.Fingerprint}, since {record.Since:yyyy-MM-dd}). Give Secrets:KeyEncryptionKey the key this " +
                    "database was set up with (or the one it was last rotated to); with another key no text or personal detail could be read.");
        }

        // A store from before keys were wrapped: wrap what it holds, in the same transaction as the record.
        // (Filtered here, not in SQL: documents from before wrapping lack the new fields altogether.)
        var texts = (await session.Query<TextKey>().ToListAsync(cancellation)).Where(k => k.Wrapped.Length == 0 && !k.Erased).ToList();
        var participants = (await session.Query<ParticipantKey>().ToListAsync(cancellation)).Where(k => k.Wrapped.Length == 0 && !k.Erased).ToList();
        foreach (var key in texts)
        {
            session.Store(key.Key.Length == 0 ? key with { Erased = true } : key with { Wrapped = kek.Wrap(key.Key, TextPurpose, key.Id), Kek = kek.Fingerprint, Key = [] });
        }

        foreach (var key in participants)
        {
            session.Store(key.Key.Length == 0 ? key with { Erased = true } : key with { Wrapped = kek.Wrap(key.Key, ParticipantPurpose, key.Id), Kek = kek.Fingerprint, Key = [] });
        }

        var fresh = RandomNumberGenerator.GetBytes(32);
        var requests = await session.Query<Idempotency.CreationRecord>().Where(r => !r.Keyed).ToListAsync(cancellation);
        foreach (var r in requests)
        {
            // The unkeyed hash of a whole request (personal details and transcripts included) stays only keyed.
            session.Store(r with { RequestHash = Idempotency.RequestFingerprint.KeyedLegacy(fresh, r.RequestHash), Keyed = true });
        }

        session.Insert(new KeyEncryptionRecord
        {
            Fingerprint = kek.Fingerprint,
            Since = clock.GetUtcNow(),
            WrappedRequestKey = kek.Wrap(fresh, RequestPurpose, Guid.Empty),
        });
        try
        {
            await session.SaveChangesAsync(cancellation);
        }
        catch (JasperFx.DocumentAlreadyExistsException)
        {
            // Another process set up this store at the same moment: check against what it recorded.
            return await EnsureStoreAsync(store, clock, cancellation);
        }

        requestKey = fresh;
        return texts.Count + participants.Count > 0
            ? $"recorded; {texts.Count + participants.Count} keys from before wrapping are now wrapped"
            : "recorded for this store";
    }

    /// <summary>
    /// Rewraps every data key under <paramref name="next"/> and records its fingerprint, in one
    /// transaction: afterwards only <paramref name="next"/> opens the store. Answers how many keys moved.
    /// </summary>
    public async Task<int> RotateAsync(IDocumentStore store, KeyEncryptionKey next, TimeProvider clock, CancellationToken cancellation = default)
    {
        await EnsureStoreAsync(store, clock, cancellation);
        await using var session = store.LightweightSession();
        var texts = (await session.Query<TextKey>().ToListAsync(cancellation)).Where(k => !k.Erased).ToList();
        var participants = (await session.Query<ParticipantKey>().ToListAsync(cancellation)).Where(k => !k.Erased).ToList();
        foreach (var key in texts)
        {
            session.Store(key with { Wrapped = next.Wrap(kek.Unwrap(key.Wrapped, TextPurpose, key.Id), TextPurpose, key.Id), Kek = next.Fingerprint });
        }

        foreach (var key in participants)
        {
            session.Store(key with
            {
                Wrapped = next.Wrap(kek.Unwrap(key.Wrapped, ParticipantPurpose, key.Id), ParticipantPurpose, key.Id),
                Kek = next.Fingerprint,
            });
        }

        var record = (await session.LoadAsync<KeyEncryptionRecord>(KeyEncryptionRecord.CurrentId, cancellation))!;
        session.Store(new KeyEncryptionRecord
        {
            Fingerprint = next.Fingerprint,
            Since = clock.GetUtcNow(),
            WrappedRequestKey = next.Wrap(kek.Unwrap(record.WrappedRequestKey, RequestPurpose, Guid.Empty), RequestPurpose, Guid.Empty),
        });
        await session.SaveChangesAsync(cancellation);
        return texts.Count + participants.Count;
    }
}
