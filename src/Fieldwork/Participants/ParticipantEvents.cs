namespace Fieldwork.Participants;

/// <summary>The GDPR Article 6 basis the study relies on for this participant's data.</summary>
public enum LawfulBasis
{
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

/// <summary>What a participant agreed to: taking part, being recorded, being quoted, archiving.</summary>
public sealed record ConsentScope(bool TakePart, bool Record, bool Quote, bool Archive, LawfulBasis LawfulBasis, string InformationSheetVersion);

/// <summary>
/// Personal details sealed with AES-GCM under the participant's own key, which lives outside
/// the event stream: destroying the key makes every copy unreadable.
/// </summary>
public sealed record SealedPersonalDetails(string Nonce, string Ciphertext, string Tag);

/// <summary>
/// An interviewee joined the study under a pseudonym, with their consent as given on
/// <see cref="ConsentGivenOn"/> (null in events recorded before consent had a date: in force from the start).
/// </summary>
public sealed record ParticipantRegistered(
    Guid EvaluationId,
    Guid ParticipantId,
    string Pseudonym,
    string Role,
    Guid? SiteId,
    ConsentScope Consent,
    SealedPersonalDetails? Personal,
    DateOnly? ConsentGivenOn = null);

/// <summary>A participant's consent changed from a date on.</summary>
public sealed record ConsentChanged(Guid EvaluationId, Guid ParticipantId, DateOnly EffectiveOn, ConsentScope Consent);

/// <summary>
/// The participant withdrew from a date on. Holds no personal data: their key is destroyed in the
/// same transaction, and with <see cref="EraseTranscripts"/> every transcript key that lists them.
/// </summary>
public sealed record ParticipantWithdrew(Guid EvaluationId, Guid ParticipantId, DateOnly EffectiveOn, bool EraseTranscripts);

/// <summary>
/// A lead recorded that a withdrawn participant consented again, on <see cref="GivenOn"/> (on or
/// after the withdrawal), to <see cref="Consent"/>. What the withdrawal erased stays erased: the new
/// consent covers material dated from <see cref="GivenOn"/> on.
/// </summary>
public sealed record ParticipantReconsented(Guid EvaluationId, Guid ParticipantId, DateOnly GivenOn, ConsentScope Consent);

/// <summary>A lead read a participant's personal details. Each read is its own one-event stream, so reads never contend.</summary>
public sealed record PersonalDetailsRead(Guid EvaluationId, Guid ParticipantId, string ReaderId);

/// <summary>The stream type of a disclosure record (one <see cref="PersonalDetailsRead"/>).</summary>
public sealed class DisclosureRecord
{
    public Guid Id { get; set; }
}
