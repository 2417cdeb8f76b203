using System.Diagnostics;
using System.Security.Cryptography;
using Fieldwork.Api.Verbs;
using Fieldwork.Evidence;
using Fieldwork.Secrets;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fieldwork.Tests.Hosting;

/// <summary>
/// The key-encryption key lives outside the database, and the store remembers which one wraps its
/// keys: the API refuses to start with another (rather than serve texts it cannot open), and the
/// rotate-key verb moves a store to a new key in one step.
/// </summary>
public sealed class when_the_key_encryption_key_changes(AppFixture app) : ApiTest(app)
{
    private static string NewKeyText() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyEncryptionKey.Size));

    [Fact]
    public async Task the_api_refuses_to_start_with_another_key_and_says_why()
    {
        var storeFingerprint = App.Host.Services.GetRequiredService<KeyRing>().Fingerprint;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Fieldwork"] = App.ConnectionString;
        start.Environment["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        start.Environment["Secrets__KeyEncryptionKey"] = NewKeyText();
        using var checkpointKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        start.Environment["Secrets__CheckpointSigningKey"] = checkpointKey.ExportPkcs8PrivateKeyPem();
        start.Environment["Fieldwork__AsyncDaemon"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(1, process.ExitCode);
        var said = await errors;
        Assert.Contains("Fieldwork cannot start", said);
        Assert.Contains("key-encryption key", said);
        Assert.Contains(storeFingerprint, said);
        Assert.DoesNotContain("Now listening", await output);
    }

    [Theory]
    [InlineData("Secrets:KeyEncryptionKey", "not-a-key", null, "Development", "Secrets:KeyEncryptionKey is not base64")]
    [InlineData("Secrets:KeyEncryptionKey", "c2hvcnQ=", null, "Development", "holds 5 bytes")]
    [InlineData("Secrets:KeyEncryptionKeyFile", "/nonexistent/fieldwork-kek", null, "Development", "does not exist")]
    [InlineData("Secrets:KeyEncryptionKey", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", "/etc/hostname", "Development", "set one")]
    [InlineData(null, null, null, "Production", "Secrets:KeyEncryptionKey is not configured")]
    public void a_key_it_cannot_use_stops_the_start_saying_why(string? setting, string? value, string? file, string environment, string reason)
    {
        var settings = new Dictionary<string, string?>();
        if (setting is not null)
        {
            settings[setting] = value;
        }

        if (file is not null)
        {
            settings["Secrets:KeyEncryptionKeyFile"] = file;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var host = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment };
        var e = Assert.Throws<InvalidOperationException>(() => Fieldwork.Api.Hosting.KeyEncryptionSettings.From(configuration, host));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public async Task rotating_rewraps_every_key_and_only_the_new_key_opens_the_store_afterwards()
    {
        var database = $"fieldwork_rotation_{Guid.NewGuid():N}"[..40];
        var admin = new NpgsqlConnectionStringBuilder(App.ConnectionString);
        var own = new NpgsqlConnectionStringBuilder(App.ConnectionString) { Database = database, Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {database}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var folder = Directory.CreateTempSubdirectory("fieldwork-rotation-");
        try
        {
            var oldText = NewKeyText();
            var newFile = Path.Combine(folder.FullName, "new-key");
            await File.WriteAllTextAsync(newFile, NewKeyText() + "\n");
            var before = new KeyRing(KeyEncryptionKey.Parse(oldText, "old"));
            var after = new KeyRing(KeyEncryptionKey.Parse(await File.ReadAllTextAsync(newFile), "new"));
            var evidenceId = Guid.NewGuid();
            SealedText sealedText;
            byte[] requestKey;
            await using (var store = DocumentStore.For(o => FieldworkStore.Configure(o, own)))
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                // Two processes setting up the same new store at once agree on what it records.
                var twin = new KeyRing(KeyEncryptionKey.Parse(oldText, "old"));
                await Task.WhenAll(before.EnsureStoreAsync(store, TimeProvider.System), twin.EnsureStoreAsync(store, TimeProvider.System));
                requestKey = before.RequestFingerprintKey;
                Assert.Equal(requestKey, twin.RequestFingerprintKey);
                var (textKey, open) = before.NewTextKey(Guid.NewGuid(), evidenceId, [Guid.NewGuid()]);
                sealedText = TextVault.Seal(open, 1, "Rotated, not re-encrypted.");
                var (participantKey, _) = before.NewParticipantKey(Guid.NewGuid());
                await using var session = store.LightweightSession();
                session.Insert(textKey);
                session.Insert(participantKey);
                await session.SaveChangesAsync();
            }

            var output = new StringWriter();
            var errors = new StringWriter();
            var exit = await RotateKeyVerb.RunAsync(
                ["rotate-key", "--new-key-file", newFile, $"--ConnectionStrings:Fieldwork={own}", $"--Secrets:KeyEncryptionKey={oldText}"], output, errors);
            Assert.True(exit == 0, errors.ToString());
            Assert.Contains($"Rewrapped 2 keys under {after.Fingerprint} (was {before.Fingerprint})", output.ToString());

            await using (var store = DocumentStore.For(o => FieldworkStore.Configure(o, own)))
            {
                var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => before.EnsureStoreAsync(store, TimeProvider.System));
                Assert.Contains(after.Fingerprint, refused.Message);
                await after.EnsureStoreAsync(store, TimeProvider.System);
                Assert.Equal(requestKey, after.RequestFingerprintKey);
                await using var session = store.QuerySession();
                var stored = (await session.LoadAsync<TextKey>(evidenceId))!;
                Assert.Equal(after.Fingerprint, stored.Kek);
                Assert.Equal("Rotated, not re-encrypted.", TextVault.Open(after.Open(stored), 1, sealedText));
                Assert.ThrowsAny<CryptographicException>(() => before.Open(stored));
            }

            // Rotating to the key already in use is refused, and says so.
            var again = await RotateKeyVerb.RunAsync(
                ["rotate-key", "--new-key-file", newFile, $"--ConnectionStrings:Fieldwork={own}", $"--Secrets:KeyEncryptionKeyFile={newFile}"],
                new StringWriter(), errors = new StringWriter());
            Assert.Equal(2, again);
            Assert.Contains("the new key is the current key", errors.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {database} with (force)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
