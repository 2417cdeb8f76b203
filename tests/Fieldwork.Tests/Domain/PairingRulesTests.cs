using Fieldwork.Pairings;
using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Tests.Domain;

public sealed class PairingRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid PairingId = Guid.NewGuid();
    private static readonly Guid ExemplarId = Guid.NewGuid();
    private static readonly Guid FollowerId = Guid.NewGuid();
    private static readonly Fieldwork.Evaluations.Evaluation Study = Given.Study(Id);

    private static readonly SiteTimeline Exemplar = Given.Site(Id, ExemplarId, "EX-1", ProgrammeRole.Exemplar, new DateOnly(2017, 1, 1));
    private static readonly SiteTimeline Follower = Given.Site(Id, FollowerId, "FO-1", ProgrammeRole.Follower, new DateOnly(2017, 1, 1));

    private static ProposePairing Propose(DateOnly on) => new(null, ExemplarId, FollowerId, on);

    /// <summary>A pairing proposed on 2017-03-01, then whatever else happened to it.</summary>
    private static PairingTimeline Proposed(params object[] more) =>
        Given.Fold<PairingTimeline>(PairingId, "lead", [new PairingProposed(Id, PairingId, ExemplarId, FollowerId, new DateOnly(2017, 3, 1)), .. more]);

    private static PairingTimeline Established(params object[] more) =>
        Proposed([new PairingEstablished(Id, PairingId, new DateOnly(2017, 6, 1)), .. more]);

    private static PairingTimeline Dissolved(params object[] more) =>
        Established([new PairingDissolved(Id, PairingId, new DateOnly(2019, 1, 1), "Ended"), .. more]);

    private static AssessAlignment Assess(DateOnly on, string? note = null) => new(on, true, false, 12.5m, true, 4, note);

    private static ObserveExchange Observe(DateOnly on) =>
        new(null, on, ExchangeDirection.Mutual, ExchangeChannel.Informal, "Go-live", []);

    private static DissolvePairing Dissolve(DateOnly on) => new(on, " Funding ended ");

    private static DateOnly On(string date) => DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void an_exemplar_and_a_follower_enrolled_on_the_date_are_proposed()
    {
        var decision = PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2017, 3, 1)), Exemplar, Follower, null);
        var proposed = Assert.IsType<PairingProposed>(Assert.Single(decision.Events));
        Assert.Equal(new PairingProposed(Id, PairingId, ExemplarId, FollowerId, new DateOnly(2017, 3, 1)), proposed);
    }

    [Fact]
    public void a_proposal_outside_the_evaluation_is_invalid_on_proposed_on()
    {
        var decision = PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2016, 8, 31)), Exemplar, Follower, null);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("proposedOn", decision.Rejection?.Field);
    }

    [Fact]
    public void unknown_sites_are_both_named_in_one_refusal()
    {
        var decision = PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2017, 3, 1)), null, null, null);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(["exemplarSiteId", "followerSiteId"], decision.Rejection!.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void a_site_not_yet_enrolled_on_the_date_is_invalid()
    {
        var decision = PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2016, 12, 31)), Exemplar, Follower, null);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(["exemplarSiteId", "followerSiteId"], decision.Rejection!.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void a_site_withdrawn_by_the_date_is_invalid()
    {
        var withdrawn = Given.Site(Id, FollowerId, "FO-1", ProgrammeRole.Follower, new DateOnly(2017, 1, 1),
            new SiteWithdrawn(Id, FollowerId, new DateOnly(2018, 1, 1), "Left"));
        Assert.True(PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2017, 12, 31)), Exemplar, withdrawn, null).Accepted);
        var decision = PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2018, 1, 1)), Exemplar, withdrawn, null);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("followerSiteId", decision.Rejection?.Field);
    }

    [Fact]
    public void each_site_must_hold_its_programme_role_on_the_date_of_the_proposal()
    {
        var swapped = PairingRules.Propose(Study, PairingId, new ProposePairing(null, FollowerId, ExemplarId, new DateOnly(2017, 3, 1)),
            Follower, Exemplar, null);
        Assert.Equal(["exemplarSiteId", "followerSiteId"], swapped.Rejection!.Errors.Keys.Order(StringComparer.Ordinal));

        // A follower that became an exemplar on 2018-01-01 is one from that day, not before.
        var promoted = Given.Site(Id, ExemplarId, "EX-1", ProgrammeRole.Follower, new DateOnly(2017, 1, 1),
            new SiteAttributesChanged(Id, ExemplarId, new DateOnly(2018, 1, 1), null, ProgrammeRole.Exemplar, null, null, null, null));
        var early = PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2017, 12, 31)), promoted, Follower, null);
        Assert.Equal(RejectionKind.Invalid, early.Rejection?.Kind);
        Assert.Equal("exemplarSiteId", early.Rejection?.Field);
        Assert.True(PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2018, 1, 1)), promoted, Follower, null).Accepted);
    }

    [Fact]
    public void two_sites_with_an_open_pairing_cannot_be_proposed_again()
    {
        var decision = PairingRules.Propose(Study, PairingId, Propose(new DateOnly(2017, 3, 1)), Exemplar, Follower, Guid.NewGuid());
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
    }

    [Fact]
    public void a_proposed_pairing_is_established_on_or_after_its_proposal()
    {
        var decision = PairingRules.Establish(Study, Proposed(), new EstablishPairing(new DateOnly(2017, 3, 1)));
        Assert.Equal(new PairingEstablished(Id, PairingId, new DateOnly(2017, 3, 1)), Assert.Single(decision.Events));
        Assert.Equal(RejectionKind.Conflict, PairingRules.Establish(Study, Proposed(), new EstablishPairing(new DateOnly(2017, 2, 28))).Rejection?.Kind);
    }

    [Fact]
    public void establishment_checks_the_proposal_date_as_corrected()
    {
        var corrected = Proposed(new PairingDatesCorrected(Id, PairingId, new DateOnly(2017, 5, 1), null, null));
        Assert.Equal(RejectionKind.Conflict, PairingRules.Establish(Study, corrected, new EstablishPairing(new DateOnly(2017, 4, 1))).Rejection?.Kind);
        Assert.True(PairingRules.Establish(Study, corrected, new EstablishPairing(new DateOnly(2017, 5, 1))).Accepted);
    }

    [Fact]
    public void an_establishment_outside_the_evaluation_is_invalid_on_established_on()
    {
        var decision = PairingRules.Establish(Study, Proposed(), new EstablishPairing(new DateOnly(2021, 10, 1)));
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("establishedOn", decision.Rejection?.Field);
    }

    [Fact]
    public void an_established_or_dissolved_pairing_cannot_be_established()
    {
        Assert.Equal(RejectionKind.Conflict, PairingRules.Establish(Study, Established(), new EstablishPairing(new DateOnly(2018, 1, 1))).Rejection?.Kind);
        var dissolvedUnestablished = Proposed(new PairingDissolved(Id, PairingId, new DateOnly(2018, 1, 1), "Ended"));
        var decision = PairingRules.Establish(Study, dissolvedUnestablished, new EstablishPairing(new DateOnly(2017, 6, 1)));
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
        Assert.Contains("dissolved", decision.Rejection!.Detail);
    }

    [Fact]
    public void an_assessment_within_the_pairing_is_recorded_with_its_note_trimmed_or_null()
    {
        var decision = PairingRules.Assess(Study, Proposed(), Assess(new DateOnly(2017, 3, 1), " Good fit "));
        Assert.Equal(new AlignmentAssessed(Id, PairingId, new DateOnly(2017, 3, 1), true, false, 12.5m, true, 4, "Good fit"),
            Assert.Single(decision.Events));
        var blank = Assert.IsType<AlignmentAssessed>(Assert.Single(PairingRules.Assess(Study, Proposed(), Assess(new DateOnly(2017, 3, 1), "  ")).Events));
        Assert.Null(blank.Note);
    }

    [Fact]
    public void an_assessment_outside_the_evaluation_is_invalid_on_assessed_on()
    {
        var decision = PairingRules.Assess(Study, Proposed(), Assess(new DateOnly(2021, 10, 1)));
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("assessedOn", decision.Rejection?.Field);
    }

    [Fact]
    public void an_assessment_before_the_proposal_or_after_the_dissolution_conflicts()
    {
        Assert.Equal(RejectionKind.Conflict, PairingRules.Assess(Study, Proposed(), Assess(new DateOnly(2017, 2, 28))).Rejection?.Kind);
        Assert.True(PairingRules.Assess(Study, Dissolved(), Assess(new DateOnly(2019, 1, 1))).Accepted);
        Assert.Equal(RejectionKind.Conflict, PairingRules.Assess(Study, Dissolved(), Assess(new DateOnly(2019, 1, 2))).Rejection?.Kind);
    }

    [Fact]
    public void an_exchange_is_recorded_with_its_topic_trimmed_and_each_evidence_id_once()
    {
        var evidence = Guid.NewGuid();
        var exchangeId = Guid.NewGuid();
        var command = new ObserveExchange(null, new DateOnly(2018, 1, 1), ExchangeDirection.FollowerToExemplar, ExchangeChannel.Formal,
            " Go-live ", [evidence, evidence]);
        var observed = Assert.IsType<KnowledgeExchangeObserved>(Assert.Single(PairingRules.Observe(Study, Established(), exchangeId, command).Events));
        Assert.Equal((Id, PairingId, exchangeId, new DateOnly(2018, 1, 1), ExchangeDirection.FollowerToExemplar, ExchangeChannel.Formal, "Go-live"),
            (observed.EvaluationId, observed.PairingId, observed.ExchangeId, observed.OccurredOn, observed.Direction, observed.Channel, observed.Topic));
        Assert.Equal([evidence], observed.EvidenceIds);
    }

    [Fact]
    public void an_exchange_outside_the_evaluation_is_invalid_and_one_outside_the_pairing_conflicts()
    {
        var outside = PairingRules.Observe(Study, Proposed(), Guid.NewGuid(), Observe(new DateOnly(2016, 8, 31)));
        Assert.Equal(RejectionKind.Invalid, outside.Rejection?.Kind);
        Assert.Equal("occurredOn", outside.Rejection?.Field);
        Assert.Equal(RejectionKind.Conflict, PairingRules.Observe(Study, Proposed(), Guid.NewGuid(), Observe(new DateOnly(2017, 2, 28))).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, PairingRules.Observe(Study, Dissolved(), Guid.NewGuid(), Observe(new DateOnly(2019, 1, 2))).Rejection?.Kind);
    }

    [Fact]
    public void a_dissolution_is_recorded_with_its_reason_trimmed()
    {
        var decision = PairingRules.Dissolve(Study, Established(), Dissolve(new DateOnly(2019, 1, 1)));
        Assert.Equal(new PairingDissolved(Id, PairingId, new DateOnly(2019, 1, 1), "Funding ended"), Assert.Single(decision.Events));
    }

    [Fact]
    public void a_dissolution_outside_the_evaluation_is_invalid_on_dissolved_on()
    {
        var decision = PairingRules.Dissolve(Study, Established(), Dissolve(new DateOnly(2021, 10, 1)));
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("dissolvedOn", decision.Rejection?.Field);
    }

    [Fact]
    public void a_dissolved_pairing_cannot_be_dissolved_again()
    {
        Assert.Equal(RejectionKind.Conflict, PairingRules.Dissolve(Study, Dissolved(), Dissolve(new DateOnly(2020, 1, 1))).Rejection?.Kind);
    }

    [Fact]
    public void a_dissolution_comes_no_earlier_than_the_establishment_or_without_one_the_proposal()
    {
        Assert.Equal(RejectionKind.Conflict, PairingRules.Dissolve(Study, Established(), Dissolve(new DateOnly(2017, 5, 31))).Rejection?.Kind);
        Assert.True(PairingRules.Dissolve(Study, Established(), Dissolve(new DateOnly(2017, 6, 1))).Accepted);
        Assert.Equal(RejectionKind.Conflict, PairingRules.Dissolve(Study, Proposed(), Dissolve(new DateOnly(2017, 2, 28))).Rejection?.Kind);
        Assert.True(PairingRules.Dissolve(Study, Proposed(), Dissolve(new DateOnly(2017, 3, 1))).Accepted);
    }

    [Theory]
    [InlineData("alignment")]
    [InlineData("exchange")]
    public void a_dissolution_before_recorded_activity_conflicts_and_one_on_its_day_is_accepted(string activity)
    {
        object later = activity == "alignment"
            ? new AlignmentAssessed(Id, PairingId, new DateOnly(2018, 5, 1), true, true, null, false, 3, null)
            : new KnowledgeExchangeObserved(Id, PairingId, Guid.NewGuid(), new DateOnly(2018, 5, 1), ExchangeDirection.Mutual,
                ExchangeChannel.Formal, "Go-live", []);
        var pairing = Established(later);
        var before = PairingRules.Dissolve(Study, pairing, Dissolve(new DateOnly(2018, 4, 30)));
        Assert.Equal(RejectionKind.Conflict, before.Rejection?.Kind);
        Assert.Contains("2018-05-01", before.Rejection!.Detail);
        Assert.True(PairingRules.Dissolve(Study, pairing, Dissolve(new DateOnly(2018, 5, 1))).Accepted);
    }

    [Fact]
    public void a_correction_records_only_the_dates_it_gives()
    {
        var decision = PairingRules.Correct(Study, Dissolved(), new CorrectPairingDates(null, new DateOnly(2017, 7, 1), null));
        Assert.Equal(new PairingDatesCorrected(Id, PairingId, null, new DateOnly(2017, 7, 1), null), Assert.Single(decision.Events));
    }

    [Theory]
    [InlineData("proposedOn")]
    [InlineData("establishedOn")]
    [InlineData("dissolvedOn")]
    public void a_corrected_date_outside_the_evaluation_is_invalid_on_its_field(string field)
    {
        var outside = new DateOnly(2021, 10, 1);
        var command = new CorrectPairingDates(field == "proposedOn" ? outside : null, field == "establishedOn" ? outside : null,
            field == "dissolvedOn" ? outside : null);
        var decision = PairingRules.Correct(Study, Dissolved(), command);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(field, decision.Rejection?.Field);
    }

    [Fact]
    public void only_a_date_that_was_recorded_can_be_corrected()
    {
        Assert.Equal(RejectionKind.Conflict,
            PairingRules.Correct(Study, Proposed(), new CorrectPairingDates(null, new DateOnly(2017, 6, 1), null)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict,
            PairingRules.Correct(Study, Established(), new CorrectPairingDates(null, null, new DateOnly(2019, 1, 1))).Rejection?.Kind);
        Assert.True(PairingRules.Correct(Study, Proposed(), new CorrectPairingDates(new DateOnly(2017, 2, 1), null, null)).Accepted);
    }

    [Theory]
    [InlineData("2017-06-02", null, null)] // proposal after the establishment
    [InlineData(null, "2017-02-28", null)] // establishment before the proposal
    [InlineData(null, "2019-01-02", null)] // establishment after the dissolution
    [InlineData(null, null, "2017-05-31")] // dissolution before the establishment
    public void a_correction_that_would_put_the_dates_out_of_order_conflicts(string? proposed, string? established, string? dissolved)
    {
        var command = new CorrectPairingDates(proposed is null ? null : On(proposed), established is null ? null : On(established),
            dissolved is null ? null : On(dissolved));
        Assert.Equal(RejectionKind.Conflict, PairingRules.Correct(Study, Dissolved(), command).Rejection?.Kind);
    }

    [Theory]
    [InlineData("dissolvedOn")]
    [InlineData("proposedOn")]
    public void a_pairing_date_corrected_past_recorded_activity_conflicts_as_a_dissolution_or_an_exchange_would(string field)
    {
        var pairingId = Guid.NewGuid();
        var pairing = Given.Fold<PairingTimeline>(pairingId, "lead",
            new PairingProposed(Id, pairingId, Guid.NewGuid(), Guid.NewGuid(), new DateOnly(2017, 3, 1)),
            new KnowledgeExchangeObserved(Id, pairingId, Guid.NewGuid(), new DateOnly(2018, 5, 1), ExchangeDirection.Mutual, ExchangeChannel.Formal,
                "Go-live", []),
            new PairingDissolved(Id, pairingId, new DateOnly(2019, 1, 1), "Ended"));

        // Dissolve refuses a date before the exchange, and Observe an exchange before the proposal or after the
        // dissolution: a correction may not move either date past it.
        var command = field == "dissolvedOn"
            ? new CorrectPairingDates(null, null, new DateOnly(2018, 1, 1))
            : new CorrectPairingDates(new DateOnly(2018, 6, 1), null, null);
        Assert.Equal(RejectionKind.Conflict, PairingRules.Correct(Given.Study(Id), pairing, command).Rejection?.Kind);
    }
}
