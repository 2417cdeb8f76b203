using Fieldwork.Api.Hosting;
using Fieldwork.Secrets;

namespace Fieldwork.Api.Verbs;

/// <summary>
/// <c>rotate-key [--new-key-file F]</c>: rewraps every data key of the store under a new
/// key-encryption key, in one transaction, and records the new key's fingerprint; from then on the
/// API starts only with the new key. The current key comes from the usual configuration; the new
/// one from <c>--new-key-file</c> or <c>Secrets:NewKeyEncryptionKey</c>. In Development with
/// neither, a new key is made and replaces the local one (written beside it first, so that a
/// failure at any point leaves a key that opens the store). Every API process must be stopped
/// first: one still running would wrap new keys under the old key.
/// </summary>
public static class RotateKeyVerb
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        string? newKeyFile = null;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--new-key-file")
            {
                if (i + 1 >= args.Length)
                {
                    errors.WriteLine("usage: rotate-key [--new-key-file F]: --new-key-file needs a file name.");
                    return 2;
                }

                newKeyFile = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        var builder = WebApplication.CreateSlimBuilder([.. rest]);
        try
        {
            var current = KeyEncryptionSettings.From(builder.Configuration, builder.Environment);
            var (next, replacesLocal) = NewKey(builder, newKeyFile);
            if (next.Fingerprint == current.Fingerprint)
            {
                errors.WriteLine("rotate-key: the new key is the current key; nothing to do.");
                return 2;
            }

            var connectionString = await FieldworkHost.ConnectionStringAsync(builder, errors.WriteLine);
            await using var store = DocumentStore.For(opts => FieldworkStore.Configure(opts, connectionString));
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var moved = await new KeyRing(current).RotateAsync(store, next, TimeProvider.System);
            if (replacesLocal)
            {
                File.Move(KeyEncryptionSettings.LocalPath + ".next", KeyEncryptionSettings.LocalPath, overwrite: true);
            }

            output.WriteLine($"Rewrapped {moved} keys under {next.Fingerprint} (was {current.Fingerprint}).");
            output.WriteLine(replacesLocal
                ? $"The new key replaced {KeyEncryptionSettings.LocalPath}."
                : "Configure Secrets:KeyEncryptionKey with the new key now: the API no longer starts with the old one.");
            output.WriteLine("Start the API with the new key now. Backups taken before now still need the old key; destroying it makes " +
                             "what they seal unreadable (see docs/security.md).");
            return 0;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            errors.WriteLine($"rotate-key could not run: {e.Message}");
            return 2;
        }
    }

    private static (KeyEncryptionKey Key, bool ReplacesLocal) NewKey(WebApplicationBuilder builder, string? file)
    {
        if (file is not null)
        {
            return File.Exists(file)
                ? (KeyEncryptionKey.Parse(File.ReadAllText(file), file), false)
                : throw new InvalidOperationException($"--new-key-file names {file}, which does not exist.");
        }

        if (builder.Configuration["Secrets:NewKeyEncryptionKey"] is { Length: > 0 } text)
        {
            return (KeyEncryptionKey.Parse(text, "Secrets:NewKeyEncryptionKey"), false);
        }

        var configured = !string.IsNullOrWhiteSpace(builder.Configuration["Secrets:KeyEncryptionKey"])
                         || !string.IsNullOrWhiteSpace(builder.Configuration["Secrets:KeyEncryptionKeyFile"]);
        if (!builder.Environment.IsDevelopment() || configured)
        {
            throw new InvalidOperationException("give the new key with --new-key-file F or Secrets:NewKeyEncryptionKey (32 random bytes in base64).");
        }

        // Development's local key: the new one is written beside it before the store moves to it.
        var next = KeyEncryptionSettings.LocalPath + ".next";
        File.Delete(next);
        return (KeyEncryptionKey.Parse(LocalState.Secret(next, KeyEncryptionKey.NewText), next), true);
    }
}
