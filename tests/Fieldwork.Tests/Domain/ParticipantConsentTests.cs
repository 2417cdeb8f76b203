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

    private static readonly Fieldwork.Evaluations.Evaluation Study = Fieldwork.Evaluations.Evaluation.Create(
        new Fieldwork.Evaluations.EvaluationCreated(Evaluation, "GDE", new(2016, 9, 1), new(2021, 9, 30), null, "lead"));

    private static ConsentInput Again(string givenOn, bool takePart = true) =>
        new(takePart, true, false, false, LawfulBasis.Consent, "v3", DateOnly.Parse(givenOn, System.Globalization.CultureInfo.InvariantCulture));

    private static ParticipantTimeline Withdrawn(bool erase) => Fold(
        new ParticipantRegistered(Evaluation, Participant, "P-1", "Nurse", null, Full, null, new DateOnly(2017, 1, 1)),
        new ParticipantWithdrew(Evaluation, Participant, new DateOnly(2018, 6, 1), erase));

    [Fact]
    public void after_a_withdrawal_consent_changes_only_by_a_re_consent()
    {
        var change = ParticipantRules.ChangeConsent(Study, Withdrawn(false),
            new ChangeConsent(new DateOnly(2019, 1, 1), true, true, true, true, LawfulBasis.Consent, "v2"));
        Assert.Equal(Fieldwork.Rules.RejectionKind.Conflict, change.Rejection!.Kind);
        Assert.Contains("reconsent", change.Rejection.Detail);
    }

    [Fact]
    public void a_re_consent_is_dated_on_or_after_the_withdrawal_takes_part_and_needs_a_withdrawal()
    {
        Assert.Equal("consent.givenOn", ParticipantRules.Reconsent(Study, Withdrawn(false), new(Again("2018-05-31"))).Rejection!.Field);
        Assert.Equal("consent.givenOn", ParticipantRules.Reconsent(Study, Withdrawn(false), new(Again("2022-01-01"))).Rejection!.Field);
        Assert.Equal("consent.takePart", ParticipantRules.Reconsent(Study, Withdrawn(false), new(Again("2019-01-01", takePart: false))).Rejection!.Field);
        var registered = Fold(new ParticipantRegistered(Evaluation, Participant, "P-1", "Nurse", null, Full, null, new DateOnly(2017, 1, 1)));
        Assert.Equal(Fieldwork.Rules.RejectionKind.Conflict, ParticipantRules.Reconsent(Study, registered, new(Again("2019-01-01"))).Rejection!.Kind);
    }

    [Fact]
    public void a_re_consent_holds_from_its_date_and_leaves_what_was_erased_erased()
    {
        var timeline = Withdrawn(erase: true);
        var decision = ParticipantRules.Reconsent(Study, timeline, new(Again("2019-01-01")));
        Assert.True(decision.Accepted);
        var again = Assert.IsType<ParticipantReconsented>(Assert.Single(decision.Events));
        timeline.Record(new Event<object>(again) { Sequence = 10 });

        Assert.Null(timeline.WithdrawnOn);
        Assert.True(timeline.PersonalErased);
        Assert.True(timeline.TranscriptsErased);
        Assert.False(timeline.ConsentOn(new DateOnly(2018, 12, 31))!.TakePart);
        Assert.True(timeline.ConsentOn(new DateOnly(2019, 1, 1))!.TakePart);
        Assert.True(timeline.ErasedFor(new DateOnly(2018, 12, 31)));
        Assert.False(timeline.ErasedFor(new DateOnly(2019, 1, 1)));
        // The same re-consent again records nothing.
        Assert.Empty(ParticipantRules.Reconsent(Study, timeline, new(Again("2019-01-01"))).Events);
    }
}
