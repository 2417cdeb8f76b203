using Fieldwork.Participants;
using JasperFx.Events;

namespace Fieldwork.Tests.Domain;

/// <summary>Consent has a date: a participant's timeline knows no consent before it, and every change after it holds from its own date.</summary>
public sealed class ParticipantConsentTests
{
    private static readonly Guid Evaluation = Guid.NewGuid();
    private static readonly Guid Participant = Guid.NewGuid();
    private static readonly ConsentScope Full = new(true, true, true, true, LawfulBasis.PublicTask, "v1");

    private static ParticipantTimeline Fold(params object[] events)
    {
        var timeline = new ParticipantTimeline();
        var sequence = 0L;
        foreach (var data in events)
        {
            timeline.Record(new Event<object>(data) { Sequence = ++sequence });
        }

        return timeline;
    }

    [Fact]
    public void there_is_no_consent_before_the_day_it_was_given()
    {
        var timeline = Fold(new ParticipantRegistered(Evaluation, Participant, "P-1", "Nurse", null, Full, null, new DateOnly(2018, 2, 1)));
        Assert.Null(timeline.ConsentOn(new DateOnly(2018, 1, 31)));
        Assert.Equal(Full, timeline.ConsentOn(new DateOnly(2018, 2, 1)));
        Assert.Equal(new DateOnly(2018, 2, 1), timeline.ConsentGivenOn);
    }

    [Fact]
    public void a_registration_recorded_before_consent_had_a_date_holds_from_the_start()
    {
        var timeline = Fold(new ParticipantRegistered(Evaluation, Participant, "P-1", "Nurse", null, Full, null));
        Assert.Equal(Full, timeline.ConsentOn(new DateOnly(2000, 1, 1)));
        Assert.Null(timeline.ConsentGivenOn);
    }

    [Fact]
    public void a_later_change_holds_from_its_own_date_and_the_first_consent_before_it()
    {
        var narrowed = Full with { Quote = false };
        var timeline = Fold(
            new ParticipantRegistered(Evaluation, Participant, "P-1", "Nurse", null, Full, null, new DateOnly(2018, 2, 1)),
            new ConsentChanged(Evaluation, Participant, new DateOnly(2019, 1, 1), narrowed));
        Assert.Null(timeline.ConsentOn(new DateOnly(2018, 1, 1)));
        Assert.Equal(Full, timeline.ConsentOn(new DateOnly(2018, 12, 31)));
        Assert.Equal(narrowed, timeline.ConsentOn(new DateOnly(2019, 1, 1)));
    }
}
