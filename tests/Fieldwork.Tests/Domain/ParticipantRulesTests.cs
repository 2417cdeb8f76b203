using Fieldwork.Participants;
using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Tests.Domain;

/// <summary>Registration, consent changes and withdrawal; re-consent is in <see cref="ParticipantConsentTests"/>.</summary>
public sealed class ParticipantRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid ParticipantId = Guid.NewGuid();
    private static readonly Guid SiteId = Guid.NewGuid();
    private static readonly Fieldwork.Evaluations.Evaluation Study = Given.Study(Id);
    private static readonly ConsentScope Full = new(true, true, true, true, LawfulBasis.PublicTask, "v1");
    private static readonly DateOnly Today = new(2019, 3, 1);

    private static RegisterParticipant Register(Guid? siteId) =>
        new(null, " P-1 ", " Ward nurse ", siteId, new ConsentInput(true, true, false, true, LawfulBasis.PublicTask, " v2 ", new DateOnly(2017, 2, 1)),
            new PersonalInput("Ann", null));

    private static ParticipantTimeline Registered(params object[] more) =>
        Given.Fold<ParticipantTimeline>(ParticipantId, "lead",
            [new ParticipantRegistered(Id, ParticipantId, "P-1", "Nurse", null, Full, null, new DateOnly(2017, 1, 1)), .. more]);

    [Fact]
    public void a_participant_is_registered_with_their_site_trimmed_words_sealed_details_and_the_date_of_their_consent()
    {
        var site = Given.Site(Id, SiteId, "ACU-1", ProgrammeRole.Exemplar, new DateOnly(2017, 1, 1));
        var sealedDetails = new SealedPersonalDetails("n", "c", "t");
        var decision = ParticipantRules.Register(Study, ParticipantId, Register(SiteId), site, sealedDetails);
        var registered = Assert.IsType<ParticipantRegistered>(Assert.Single(decision.Events));
        Assert.Equal(new ParticipantRegistered(Id, ParticipantId, "P-1", "Ward nurse", SiteId,
            new ConsentScope(true, true, false, true, LawfulBasis.PublicTask, "v2"), sealedDetails, new DateOnly(2017, 2, 1)), registered);
    }

    [Fact]
    public void a_participant_may_be_registered_without_a_site()
    {
        var registered = Assert.IsType<ParticipantRegistered>(Assert.Single(ParticipantRules.Register(Study, ParticipantId, Register(null), null, null).Events));
        Assert.Null(registered.SiteId);
        Assert.Null(registered.Personal);
    }

    [Fact]
    public void naming_a_site_that_is_not_in_the_evaluation_is_invalid_on_site_id()
    {
        var decision = ParticipantRules.Register(Study, ParticipantId, Register(SiteId), null, null);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("siteId", decision.Rejection?.Field);
    }

    [Fact]
    public void a_consent_change_holds_from_its_effective_date()
    {
        var decision = ParticipantRules.ChangeConsent(Study, Registered(),
            new ChangeConsent(new DateOnly(2018, 1, 1), true, false, false, true, LawfulBasis.Consent, " v3 "));
        Assert.Equal(new ConsentChanged(Id, ParticipantId, new DateOnly(2018, 1, 1), new ConsentScope(true, false, false, true, LawfulBasis.Consent, "v3")),
            Assert.Single(decision.Events));
    }

    [Fact]
    public void a_consent_change_outside_the_evaluation_is_invalid_on_effective_on()
    {
        var decision = ParticipantRules.ChangeConsent(Study, Registered(),
            new ChangeConsent(new DateOnly(2021, 10, 1), true, false, false, true, LawfulBasis.Consent, "v3"));
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("effectiveOn", decision.Rejection?.Field);
    }

    [Fact]
    public void a_withdrawal_holds_from_its_effective_date_and_says_whether_to_erase_transcripts()
    {
        var decision = ParticipantRules.Withdraw(Study, Registered(), new WithdrawParticipant(new DateOnly(2018, 6, 1), true), Today);
        Assert.Equal(new ParticipantWithdrew(Id, ParticipantId, new DateOnly(2018, 6, 1), true), Assert.Single(decision.Events));
        var keep = ParticipantRules.Withdraw(Study, Registered(), new WithdrawParticipant(new DateOnly(2018, 6, 1), null), Today);
        Assert.False(Assert.IsType<ParticipantWithdrew>(Assert.Single(keep.Events)).EraseTranscripts);
    }

    [Fact]
    public void a_withdrawal_without_a_date_holds_from_today_even_when_today_is_after_the_evaluation()
    {
        var decision = ParticipantRules.Withdraw(Study, Registered(), new WithdrawParticipant(null, false), Today);
        Assert.Equal(new ParticipantWithdrew(Id, ParticipantId, Today, false), Assert.Single(decision.Events));
        var late = new DateOnly(2025, 1, 1);
        Assert.Equal(late, Assert.IsType<ParticipantWithdrew>(
            Assert.Single(ParticipantRules.Withdraw(Study, Registered(), new WithdrawParticipant(null, false), late).Events)).EffectiveOn);
    }

    [Fact]
    public void a_withdrawal_dated_outside_the_evaluation_is_invalid_on_effective_on()
    {
        var decision = ParticipantRules.Withdraw(Study, Registered(), new WithdrawParticipant(new DateOnly(2021, 10, 1), false), Today);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("effectiveOn", decision.Rejection?.Field);
    }

    [Fact]
    public void withdrawing_again_records_nothing_unless_it_now_asks_to_erase_kept_transcripts_from_the_first_date()
    {
        var kept = Registered(new ParticipantWithdrew(Id, ParticipantId, new DateOnly(2018, 6, 1), false));
        Assert.Empty(ParticipantRules.Withdraw(Study, kept, new WithdrawParticipant(new DateOnly(2019, 1, 1), false), Today).Events);
        var erase = ParticipantRules.Withdraw(Study, kept, new WithdrawParticipant(new DateOnly(2019, 1, 1), true), Today);
        Assert.Equal(new ParticipantWithdrew(Id, ParticipantId, new DateOnly(2018, 6, 1), true), Assert.Single(erase.Events));

        var erased = Registered(new ParticipantWithdrew(Id, ParticipantId, new DateOnly(2018, 6, 1), true));
        var again = ParticipantRules.Withdraw(Study, erased, new WithdrawParticipant(null, true), Today);
        Assert.True(again.Accepted);
        Assert.Empty(again.Events);
    }

    [Fact]
    public void a_consent_may_be_given_before_the_evaluation_starts_but_not_after_it_ends()
    {
        RegisterParticipant Given(DateOnly on) => Register(null) with { Consent = Register(null).Consent! with { GivenOn = on } };
        Assert.True(ParticipantRules.Register(Study, ParticipantId, Given(new DateOnly(2016, 1, 1)), null, null).Accepted);
        Assert.True(ParticipantRules.Register(Study, ParticipantId, Given(new DateOnly(2021, 9, 30)), null, null).Accepted);
        var late = ParticipantRules.Register(Study, ParticipantId, Given(new DateOnly(2021, 10, 1)), null, null);
        Assert.Equal(RejectionKind.Invalid, late.Rejection?.Kind);
        Assert.Equal("consent.givenOn", late.Rejection?.Field);
        Assert.Equal("'consent.givenOn' (2021-10-01) is after the evaluation (2016-09-01 to 2021-09-30).", late.Rejection?.Detail);
    }

    [Fact]
    public void a_withdrawal_is_not_effective_before_the_consent_was_given()
    {
        var decision = ParticipantRules.Withdraw(Study, Registered(), new WithdrawParticipant(new DateOnly(2016, 12, 31), false), Today);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("effectiveOn", decision.Rejection?.Field);
        Assert.Equal("P-1 gave consent on 2017-01-01: a withdrawal is effective on or after it.", decision.Rejection?.Detail);
        Assert.True(ParticipantRules.Withdraw(Study, Registered(), new WithdrawParticipant(new DateOnly(2017, 1, 1), false), Today).Accepted);

        var reconsented = Registered(new ParticipantWithdrew(Id, ParticipantId, new DateOnly(2018, 6, 1), false),
            new ParticipantReconsented(Id, ParticipantId, new DateOnly(2019, 1, 1), Full));
        Assert.Equal("effectiveOn",
            ParticipantRules.Withdraw(Study, reconsented, new WithdrawParticipant(new DateOnly(2018, 12, 31), false), Today).Rejection?.Field);
        Assert.True(ParticipantRules.Withdraw(Study, reconsented, new WithdrawParticipant(new DateOnly(2019, 1, 1), false), Today).Accepted);
    }
}

