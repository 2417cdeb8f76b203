using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Participants;

/// <summary>A consent as recorded: in force from <see cref="EffectiveOn"/> (null: from the start).</summary>
public sealed record ConsentFact(long Sequence, DateOnly? EffectiveOn, ConsentScope Consent);

/// <summary>A participant as it stood at a cut, pseudonymous: no personal details here.</summary>
public sealed record ParticipantState(Guid Id, string Pseudonym, string Role, Guid? SiteId, ConsentScope Consent, int Version);

/// <summary>
/// Everything recorded about one participant: the registration and each consent change with
/// its effective date and log position, so any later feature can ask which consent was in
/// force on a field date, as known at any moment.
/// </summary>
public sealed class ParticipantTimeline : IEventTimeline<ParticipantState>
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public string Pseudonym { get; set; } = "";

    public string Role { get; set; } = "";

    public Guid? SiteId { get; set; }

    public SealedPersonalDetails? Personal { get; set; }

    public List<ConsentFact> Consents { get; set; } = [];

    /// <summary>When the consent given at registration was given; before it there is no consent at all.</summary>
    public DateOnly? ConsentGivenOn { get; set; }

    public List<long> Sequences { get; set; } = [];

    /// <summary>The day the participant withdrew from, once they have.</summary>
    public DateOnly? WithdrawnOn { get; set; }

    /// <summary>True once their transcripts were erased with the withdrawal.</summary>
    public bool TranscriptsErased { get; set; }

    /// <summary>True once a withdrawal destroyed their personal details (a re-consent does not bring them back).</summary>
    public bool PersonalErased { get; set; }

    /// <summary>The day a lead recorded their new consent from, after a withdrawal (null unless re-consented).</summary>
    public DateOnly? ReconsentedOn { get; set; }

    /// <summary>
    /// Whether new text naming them may not be kept for a field date: their transcripts were erased
    /// and the date is before any re-consent (erasure is final for what it covered).
    /// </summary>
    public bool ErasedFor(DateOnly on) => TranscriptsErased && (ReconsentedOn is not { } again || on < again);

    public void Record(IEvent e)
    {
        Sequences.Add(e.Sequence);
        switch (e.Data)
        {
            case ParticipantRegistered x:
                Id = x.ParticipantId;
                EvaluationId = x.EvaluationId;
                Pseudonym = x.Pseudonym;
                Role = x.Role;
                SiteId = x.SiteId;
                Personal = x.Personal;
                ConsentGivenOn = x.ConsentGivenOn;
                Consents.Add(new ConsentFact(e.Sequence, x.ConsentGivenOn, x.Consent));
                break;
            case ConsentChanged x:
                Consents.Add(new ConsentFact(e.Sequence, x.EffectiveOn, x.Consent));
                break;
            case ParticipantWithdrew x:
                if (WithdrawnOn is null)
                {
                    var before = ConsentOn(x.EffectiveOn) ?? Consents[^1].Consent;
                    Consents.Add(new ConsentFact(e.Sequence, x.EffectiveOn,
                        before with { TakePart = false, Record = false, Quote = false, Archive = false }));
                }

                WithdrawnOn ??= x.EffectiveOn;
                TranscriptsErased |= x.EraseTranscripts;
                PersonalErased = true;
                break;
            case ParticipantReconsented x:
                Consents.Add(new ConsentFact(e.Sequence, x.GivenOn, x.Consent));
                ReconsentedOn = x.GivenOn;
                WithdrawnOn = null;
                break;
        }
    }

    /// <summary>The consent in force on a date, as known at the cut's knowledge; null if not yet registered then.</summary>
    public ConsentScope? ConsentOn(DateOnly on, long knownUpTo = long.MaxValue) =>
        Consents
            .Where(c => c.Sequence <= knownUpTo && (c.EffectiveOn is null || c.EffectiveOn <= on))
            .OrderBy(c => c.EffectiveOn ?? DateOnly.MinValue).ThenBy(c => c.Sequence)
            .LastOrDefault()?.Consent;

    public ParticipantState? AsOf(Cut cut) =>
        ConsentOn(cut.AsOf, cut.KnownUpTo) is { } consent
            ? new ParticipantState(Id, Pseudonym, Role, SiteId, consent, Sequences.VersionKnownAt(cut.KnownUpTo))
            : null;
}
