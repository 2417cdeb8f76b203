using Fieldwork.Secrets;

namespace Fieldwork.Api.Hosting;

/// <summary>
/// Where the key-encryption key comes from: <c>Secrets:KeyEncryptionKey</c> (32 random bytes in
/// base64, e.g. from the environment as <c>Secrets__KeyEncryptionKey</c>) or
/// <c>Secrets:KeyEncryptionKeyFile</c> (a file holding that text, say a mounted secret). In
/// Development with neither, a key generated once into the git-ignored local state folder
/// (mode 0600), like the development signing key. Never from the database.
/// </summary>
public static class KeyEncryptionSettings
{
    public const string LocalFileName = "key-encryption-key";

    public static KeyEncryptionKey From(IConfiguration configuration, IHostEnvironment environment)
    {
        var text = configuration["Secrets:KeyEncryptionKey"];
        var file = configuration["Secrets:KeyEncryptionKeyFile"];
        if (!string.IsNullOrWhiteSpace(text) && !string.IsNullOrWhiteSpace(file))
        {
            throw new InvalidOperationException("Both Secrets:KeyEncryptionKey and Secrets:KeyEncryptionKeyFile are set: set one.");
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            return KeyEncryptionKey.Parse(text, "Secrets:KeyEncryptionKey");
        }

        if (!string.IsNullOrWhiteSpace(file))
        {
            return File.Exists(file)
                ? KeyEncryptionKey.Parse(File.ReadAllText(file), $"Secrets:KeyEncryptionKeyFile ({file})")
                : throw new InvalidOperationException($"Secrets:KeyEncryptionKeyFile names {file}, which does not exist.");
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Secrets:KeyEncryptionKey is not configured. Outside Development, set Secrets__KeyEncryptionKey (or " +
                "Secrets__KeyEncryptionKeyFile, a file holding it) to 32 random bytes in base64, e.g. `openssl rand -base64 32`, " +
                "kept outside the database and its backups: it wraps every key that seals personal details and transcripts.");
        }

        return KeyEncryptionKey.Parse(LocalState.Secret(LocalPath, KeyEncryptionKey.NewText), LocalPath);
    }

    /// <summary>Development's key, in the local state folder.</summary>
    public static string LocalPath => Path.Combine(LocalState.Directory, LocalFileName);
}

/// <summary>
/// At start-up, before any request: checks that the store's keys are wrapped under the configured
/// key-encryption key (recording it on a new store, wrapping the plaintext keys of a store from
/// before wrapping). A mismatch stops the start, saying why: nothing is served undecryptable.
/// </summary>
public sealed class KeyEncryptionCheck(KeyRing keys, IDocumentStore store, TimeProvider clock, ILogger<KeyEncryptionCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var outcome = await keys.EnsureStoreAsync(store, clock, cancellationToken);
        logger.LogDebug("Key-encryption key {Fingerprint}: {Outcome}.", keys.Fingerprint, outcome);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// At start-up, before any request: read models added after a store was first written are filled
/// from the documents that already hold their facts (no replay of the log), once.
/// </summary>
public sealed class ReadModelBackfill(IDocumentStore store, ILogger<ReadModelBackfill> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await Fieldwork.Evidence.EvidenceCountBackfill.RunAsync(store, cancellationToken) is var filled and > 0)
        {
            logger.LogInformation("Evidence counting facts filled for {Items} items recorded before they were kept.", filled);
        }

        if (await Fieldwork.Coding.CodingTallyBackfill.RunAsync(store, cancellationToken) is var tallied and > 0)
        {
            logger.LogInformation("Coding tallies filled for {Items} items written before they were kept.", tallied);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
