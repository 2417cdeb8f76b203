namespace Fieldwork.Evidence;

public enum EvidenceKind
{
    Interview,
    Observation,
    Document,
}

public enum InterviewFormat
{
    OneToOne,
    Group,
}

public enum InterviewMode
{
    InPerson,
    Phone,
    Video,
}

public enum ObservationSetting
{
    Meeting,
    Workshop,
    SiteVisit,
    Conference,
}

/// <summary>An interview was held on a field date (logged, often later, by a fieldworker).</summary>
public sealed record InterviewLogged(
    Guid EvaluationId,
    Guid EvidenceId,
    DateOnly OccurredOn,
    Guid? WaveId,
    IReadOnlyList<Guid> SiteIds,
    Guid? PairingId,
    IReadOnlyList<Guid> ParticipantIds,
    InterviewFormat Format,
    InterviewMode Mode,
    int DurationMinutes,
    Guid? VisitId = null);

/// <summary>A meeting, workshop, site visit or conference was observed.</summary>
public sealed record ObservationLogged(
    Guid EvaluationId,
    Guid EvidenceId,
    DateOnly OccurredOn,
    Guid? WaveId,
    IReadOnlyList<Guid> SiteIds,
    Guid? PairingId,
    ObservationSetting Setting,
    int DurationMinutes,
    Guid? VisitId = null);

/// <summary>A document was captured.</summary>
public sealed record DocumentCaptured(
    Guid EvaluationId,
    Guid EvidenceId,
    DateOnly CapturedOn,
    DateOnly? IssuedOn,
    Guid? WaveId,
    string Title,
    string Issuer,
    string DocumentType,
    IReadOnlyList<Guid> SiteIds,
    string? SourceRef,
    Guid? VisitId = null);

/// <summary>Fields logged earlier were wrong; from this record on, these are the right values.</summary>
public sealed record EvidenceCorrected(
    Guid EvaluationId,
    Guid EvidenceId,
    DateOnly? OccurredOn,
    Guid? WaveId,
    IReadOnlyList<Guid>? SiteIds,
    Guid? PairingId,
    IReadOnlyList<Guid>? ParticipantIds,
    InterviewFormat? Format,
    InterviewMode? Mode,
    ObservationSetting? Setting,
    int? DurationMinutes,
    DateOnly? IssuedOn,
    string? Title,
    string? Issuer,
    string? DocumentType,
    string? SourceRef);

/// <summary>
/// A new version of the item's text (transcript, field notes, extracted text), normalised (NFC,
/// LF, no BOM) and measured in code points. Interview text is sealed under the interview's
/// text key, and its fingerprint is <see cref="HmacSha256"/> under that key (so it dies with
/// the key: nobody can test a guess against an erased transcript); other text is stored as it
/// is, with its plain <see cref="Sha256"/>. (Sealed texts recorded before keyed fingerprints
/// carry a plain SHA-256.)
/// </summary>
public sealed record TextVersionAdded(
    Guid EvaluationId,
    Guid EvidenceId,
    int Version,
    int Length,
    string? Sha256,
    string? Text,
    SealedText? Sealed,
    string? HmacSha256 = null);

/// <summary>Text sealed with AES-GCM under a key kept outside the event stream.</summary>
public sealed record SealedText(string Nonce, string Ciphertext, string Tag);

/// <summary>
/// The item was logged in error (logged twice, say). It is never deleted: it leaves counts, lists
/// and analyses from this record on (as known at), and stays in the log and in earlier replays.
/// </summary>
public sealed record EvidenceVoided(Guid EvaluationId, Guid EvidenceId, string Reason);
