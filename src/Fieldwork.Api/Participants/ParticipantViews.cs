using Fieldwork.Participants;

namespace Fieldwork.Api.Participants;

/// <summary>
/// A participant by pseudonym; <c>personal</c> is present only for leads, and <c>personalErased</c>
/// says their details were destroyed with a withdrawal (<c>transcriptsErased</c>: their transcripts too);
/// <c>reconsentedOn</c> is the day a lead recorded their new consent from, after a withdrawal.
/// </summary>
public sealed record ParticipantView(Guid Id, string Pseudonym, string Role, Guid? SiteId, ConsentScope Consent, DateOnly? ConsentGivenOn, int Version,
    DateOnly? WithdrawnOn, bool PersonalErased, bool TranscriptsErased, DateOnly? ReconsentedOn,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    PersonalDetails? Personal = null)
{
    /// <summary>Withdrawal and erasure are shown as they are now: time travel does not undo an erasure.</summary>
    public static ParticipantView From(ParticipantState p, ParticipantTimeline t, PersonalDetails? personal = null) =>
        new(p.Id, p.Pseudonym, p.Role, p.SiteId, p.Consent, t.ConsentGivenOn, p.Version, t.WithdrawnOn, t.PersonalErased || t.WithdrawnOn is not null,
            t.TranscriptsErased, t.ReconsentedOn, personal);
}

/// <summary>One read of a participant's personal details: who, when.</summary>
public sealed record DisclosureView(long Sequence, string? ReaderId, DateTimeOffset ReadAt);
