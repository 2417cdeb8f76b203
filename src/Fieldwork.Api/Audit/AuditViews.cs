namespace Fieldwork.Api.Audit;

/// <summary>One event of the log: who recorded what, when, and the field date it is about (if it has one).</summary>
public sealed record AuditEntry(long Sequence, string Type, Guid StreamId, string? UserId, DateTimeOffset RecordedAt, DateOnly? OccurredOn,
    string? CausationId, DateTimeOffset? LoggedAt = null);

/// <summary>The key checkpoints are signed with: its algorithm, its id (SHA-256 of its DER) and the public key as PEM.</summary>
public sealed record CheckpointPublicKey(string Algorithm, string KeyId, string Pem);
