using System.Security.Cryptography;
using Fieldwork.Api.Hosting;

namespace Fieldwork.Api.Audit;

/// <summary>
/// The key that signs checkpoints of the integrity chain: an ECDSA P-256 private key, kept outside
/// the database so that whoever can write the database cannot sign a chain of their own.
/// Secrets:CheckpointSigningKey holds it as PEM (PKCS#8 or SEC1), or the path of a PEM file. In
/// Development with none configured, a key is generated once into the git-ignored local state
/// folder (mode 0600); outside Development the API refuses to start without one.
/// </summary>
public sealed class CheckpointKey : IDisposable
{
    public const string Setting = "Secrets:CheckpointSigningKey";

    private const string P256Oid = "1.2.840.10045.3.1.7";

    private CheckpointKey(ECDsa key)
    {
        Key = key;
        PublicPem = key.ExportSubjectPublicKeyInfoPem();
        KeyId = Fieldwork.Integrity.Checkpoints.KeyId(key);
    }

    /// <summary>The private key (signing only happens in <see cref="AuditReads"/>).</summary>
    public ECDsa Key { get; }

    /// <summary>The public key as PEM (SubjectPublicKeyInfo), what an auditor checks signatures with.</summary>
    public string PublicPem { get; }

    public string KeyId { get; }

    public static CheckpointKey From(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[Setting];
        string pem;
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    $"{Setting} is not configured. Outside Development, set Secrets__CheckpointSigningKey to an ECDSA P-256 private key " +
                    "in PEM, or to the path of a PEM file (make one with: openssl ecparam -name prime256v1 -genkey -noout | " +
                    "openssl pkcs8 -topk8 -nocrypt -out checkpoint-key.pem). Keep it outside the database.");
            }

            pem = DevelopmentKey();
        }
        else if (configured.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            pem = configured;
        }
        else
        {
            try
            {
                pem = File.ReadAllText(configured.Trim());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"{Setting} names a file that cannot be read ({configured.Trim()}): {e.Message}", e);
            }
        }

        return new CheckpointKey(Load(pem));
    }

    /// <summary>An ECDSA P-256 private key from PEM; anything else is refused with a message saying so.</summary>
    public static ECDsa Load(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: true);
            if (parameters.Curve.Oid.Value != P256Oid && parameters.Curve.Oid.FriendlyName is not ("nistP256" or "ECDSA_P256"))
            {
                throw new InvalidOperationException($"{Setting} must be an ECDSA P-256 (prime256v1) key; this one is on another curve.");
            }

            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{Setting} is not an ECDSA P-256 private key in PEM: {e.Message}", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Development only: a key generated once into the local state folder, readable by its owner alone.</summary>
    private static string DevelopmentKey() =>
        LocalState.Secret(Path.Combine(LocalState.Directory, "dev-checkpoint-key.pem"), () =>
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return fresh.ExportPkcs8PrivateKeyPem();
        });

    public void Dispose() => Key.Dispose();
}
