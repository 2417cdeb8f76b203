using System.Security.Cryptography;
using Fieldwork.Api.Audit;
using Fieldwork.Integrity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Fieldwork.Tests.Domain;

public sealed class EventChainTests
{
    private static readonly ChainRow Row = new(42, "0f8fad5b-d9cb-469f-a165-70867728950e", "observation_logged", "2019-04-15T09:30:00.123456Z",
        """{"evaluationId": "x", "fieldNotes": "notes"}""", "5c1d0d2e-3f0a-4b6c-9d7e-1a2b3c4d5e6f", "1", "*DEFAULT*", "lead-1",
        "corr-1", "POST /api/evaluations/x/observations", """{"reason": "r"}""", "Fieldwork.Evidence.ObservationLogged, Fieldwork", "false",
        null);

    /// <summary>Each field of the row, changed on its own.</summary>
    public static TheoryData<string> Fields() => new()
    {
        "sequence", "streamId", "type", "timestamp", "data", "eventId", "version", "tenantId", "userName", "correlationId", "causationId",
        "headers", "dotNetType", "isArchived", "binaryData",
    };

    private static ChainRow Changed(string field) => field switch
    {
        "sequence" => Row with { Sequence = 43 },
        "streamId" => Row with { StreamId = "0f8fad5b-d9cb-469f-a165-70867728950f" },
        "type" => Row with { Type = "document_captured" },
        "timestamp" => Row with { Timestamp = "2019-04-15T09:30:00.123457Z" },
        "data" => Row with { Data = """{"evaluationId": "x", "fieldNotes": "Notes"}""" },
        "eventId" => Row with { EventId = "5c1d0d2e-3f0a-4b6c-9d7e-1a2b3c4d5e60" },
        "version" => Row with { Version = "2" },
        "tenantId" => Row with { TenantId = "other" },
        "userName" => Row with { UserName = "lead-2" },
        "correlationId" => Row with { CorrelationId = "corr-2" },
        "causationId" => Row with { CausationId = "GET /elsewhere" },
        "headers" => Row with { Headers = """{"reason": "s"}""" },
        "dotNetType" => Row with { DotNetType = "Fieldwork.Evidence.DocumentCaptured, Fieldwork" },
        "isArchived" => Row with { IsArchived = "true" },
        "binaryData" => Row with { BinaryData = "00" },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void a_format_2_link_covers_every_field(string field)
    {
        var previous = SHA256.HashData("previous"u8);
        Assert.NotEqual(EventChain.Next(previous, Row, 2), EventChain.Next(previous, Changed(field), 2));
    }

    [Fact]
    public void a_format_1_link_does_not_cover_who_or_why_which_is_why_format_2_exists()
    {
        var previous = EventChain.Genesis;
        Assert.Equal(EventChain.Next(previous, Row, 1), EventChain.Next(previous, Changed("userName"), 1));
        Assert.NotEqual(EventChain.Next(previous, Row, 1), EventChain.Next(previous, Changed("data"), 1));
        Assert.NotEqual(EventChain.Next(previous, Row, 1), EventChain.Next(previous, Row, 2));
    }

    [Fact]
    public void a_format_2_link_tells_null_from_empty_and_no_field_runs_into_the_next()
    {
        var previous = EventChain.Genesis;
        Assert.NotEqual(EventChain.Next(previous, Row with { UserName = null }, 2), EventChain.Next(previous, Row with { UserName = "" }, 2));
        Assert.NotEqual(EventChain.Next(previous, Row with { UserName = "a\n1:b", CorrelationId = null }, 2),
            EventChain.Next(previous, Row with { UserName = "a", CorrelationId = "b" }, 2));
        Assert.NotEqual(EventChain.Next(previous, Row, 2), EventChain.Next(SHA256.HashData("other"u8), Row, 2));
    }

    [Fact]
    public void the_format_applies_from_its_recorded_sequence()
    {
        Assert.Equal(1, EventChain.FormatAt(10, null));
        Assert.Equal(1, EventChain.FormatAt(9, 10));
        Assert.Equal(2, EventChain.FormatAt(10, 10));
        Assert.Equal(2, EventChain.FormatAt(1, 1));
    }

    [Fact]
    public void a_checkpoint_verifies_with_its_public_key_and_not_once_changed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var checkpoint = Checkpoints.Sign(key, 42, new string('a', 64), new DateTimeOffset(2026, 11, 30, 12, 0, 0, 500, TimeSpan.Zero));
        Assert.Equal("fieldwork-checkpoint/1\nsequence=42 head=" + new string('a', 64) + "\ntime=2026-11-30T12:00:00Z", checkpoint.Message);
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(key.ExportSubjectPublicKeyInfoPem());
        Assert.True(Checkpoints.Verify(publicKey, checkpoint));
        Assert.False(Checkpoints.Verify(publicKey, checkpoint with { Sequence = 41 }));
        var signature = Convert.FromBase64String(checkpoint.Signature);
        signature[^1] ^= 1;
        Assert.False(Checkpoints.Verify(publicKey, checkpoint with { Signature = Convert.ToBase64String(signature) }));
        Assert.False(Checkpoints.Verify(publicKey, checkpoint with { Signature = "not base64!" }));
    }

    private static IHostEnvironment Environment(string name) => new HostingEnvironment { EnvironmentName = name };

    private static IConfiguration Configuration(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [CheckpointKey.Setting] = value }).Build();

    [Fact]
    public void outside_development_the_api_refuses_to_start_without_a_checkpoint_key()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => CheckpointKey.From(Configuration(null), Environment(Environments.Production)));
        Assert.Contains("Secrets__CheckpointSigningKey", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void the_checkpoint_key_is_pem_or_a_file_of_it_and_only_p256()
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = p256.ExportPkcs8PrivateKeyPem();
        using (var given = CheckpointKey.From(Configuration(pem), Environment(Environments.Production)))
        {
            Assert.Equal(Checkpoints.KeyId(p256), given.KeyId);
        }

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, p256.ExportECPrivateKeyPem());
            using var fromFile = CheckpointKey.From(Configuration(file), Environment(Environments.Production));
            Assert.Equal(Checkpoints.KeyId(p256), fromFile.KeyId);
        }
        finally
        {
            File.Delete(file);
        }

        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Contains("P-256", Assert.Throws<InvalidOperationException>(() =>
            CheckpointKey.From(Configuration(p384.ExportPkcs8PrivateKeyPem()), Environment(Environments.Production))).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() =>
            CheckpointKey.From(Configuration(p256.ExportSubjectPublicKeyInfoPem()), Environment(Environments.Production)));
        Assert.Throws<InvalidOperationException>(() => CheckpointKey.From(Configuration("/nowhere/key.pem"), Environment(Environments.Production)));
    }
}
