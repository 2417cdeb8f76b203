using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Rules;
using Fieldwork.Sites;
using Fieldwork.Visits;

namespace Fieldwork.Tests.Domain;

/// <summary>A visit and its items decided together, and items kept within their visit.</summary>
public sealed class VisitRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid WaveId = Guid.NewGuid();
    private static readonly Guid SiteA = Guid.NewGuid(), SiteB = Guid.NewGuid(), Other = Guid.NewGuid();
    private static readonly Evaluation Study = WithMembers(Given.Study(Id, new WaveDefined(Id, WaveId, "Wave 1", new(2018, 1, 1), new(2018, 6, 30))));

    private static readonly EvidenceContext Context = new(
        Study,
        new Dictionary<Guid, SiteTimeline>
        {
            [SiteA] = Given.Site(Id, SiteA, "EX-1", ProgrammeRole.Exemplar, new DateOnly(2017, 1, 1)),
            [SiteB] = Given.Site(Id, SiteB, "FO-1", ProgrammeRole.Follower, new DateOnly(2017, 1, 1)),
            [Other] = Given.Site(Id, Other, "OT-1", ProgrammeRole.Follower, new DateOnly(2017, 1, 1)),
        },
        new Dictionary<Guid, PairingTimeline>(),
        new Dictionary<Guid, ParticipantTimeline>());

    private static Evaluation WithMembers(Evaluation evaluation)
    {
        evaluation.Apply(new MemberRoleGranted(Id, "fw", Fieldwork.Access.Role.Fieldworker));
        evaluation.Apply(new MemberRoleGranted(Id, "auditor", Fieldwork.Access.Role.Auditor));
        return evaluation;
    }

    private static LogVisit Visit(DateOnly? startsOn = null, DateOnly? endsOn = null, Guid? wave = null, List<string>? fieldworkers = null) =>
        new(null, [SiteA, SiteB], startsOn ?? new DateOnly(2018, 3, 5), endsOn ?? new DateOnly(2018, 3, 6), wave ?? WaveId, fieldworkers ?? ["fw"],
            "Case study", null, null, []);

    private static Func<VisitFrame, Decision> Observation(DateOnly on, params Guid[] sites) => frame =>
        EvidenceRules.LogObservation(Context, Guid.NewGuid(), new LogObservation(null, on, frame.WaveId, [.. sites], null, ObservationSetting.Meeting, 60, null),
            null, frame);

    [Fact]
    public void a_visit_with_items_within_it_is_logged_and_its_items_name_it()
    {
        var visitId = Guid.NewGuid();
        var decided = VisitRules.Log(Context, visitId, Visit(), [Observation(new(2018, 3, 6), SiteA)]);

        Assert.True(decided.Accepted);
        Assert.Equal(new DateOnly(2018, 3, 6), decided.Logged!.EndsOn);
        Assert.Equal(visitId, Assert.IsType<ObservationLogged>(decided.Items.Single().Events[0]).VisitId);
    }

    [Fact]
    public void an_item_outside_the_visit_s_days_or_sites_refuses_the_whole_visit_naming_the_item()
    {
        var decided = VisitRules.Log(Context, Guid.NewGuid(), Visit(),
            [Observation(new(2018, 3, 5), SiteA), Observation(new(2018, 3, 9), SiteA), Observation(new(2018, 3, 5), Other)]);

        Assert.False(decided.Accepted);
        Assert.Equal(["items[1].occurredOn", "items[2].siteIds[0]"], decided.Rejection!.Errors.Keys.Order());
    }

    [Theory]
    [InlineData("auditor")]
    [InlineData("nobody")]
    public void fieldworkers_named_are_members_who_log_evidence(string who)
    {
        var decided = VisitRules.Log(Context, Guid.NewGuid(), Visit(fieldworkers: ["fw", who]), []);

        Assert.Equal(["fieldworkerIds[1]"], decided.Rejection!.Errors.Keys);
    }

    [Fact]
    public void a_visit_lies_in_its_wave_and_in_the_evaluation()
    {
        Assert.Contains("waveId", VisitRules.Log(Context, Guid.NewGuid(), Visit(new(2018, 6, 30), new(2018, 7, 1)), []).Rejection!.Errors.Keys);
        Assert.Contains("startsOn", VisitRules.Log(Context, Guid.NewGuid(), Visit(new(2015, 1, 1), new(2015, 1, 1), wave: Guid.Empty), []).Rejection!.Errors.Keys);
    }

    [Fact]
    public void a_correction_may_not_move_an_item_out_of_its_visit()
    {
        var visit = new VisitFrame(Guid.NewGuid(), new(2018, 3, 5), new(2018, 3, 6), WaveId, [SiteA, SiteB]);
        var item = Given.Fold<EvidenceTimeline>(Guid.NewGuid(), "fw",
            new ObservationLogged(Id, Guid.NewGuid(), new(2018, 3, 5), WaveId, [SiteA], null, ObservationSetting.Meeting, 60, visit.Id));
        CorrectEvidence Correction(DateOnly? on = null, List<Guid>? sites = null) =>
            new(on, null, null, sites, null, null, null, null, null, null, null, null, null, null, null);

        Assert.Equal("occurredOn", EvidenceRules.Correct(Context, item, Correction(new(2018, 3, 20)), visit).Rejection!.Field);
        Assert.Equal("siteIds[0]", EvidenceRules.Correct(Context, item, Correction(sites: [Other]), visit).Rejection!.Field);
        Assert.True(EvidenceRules.Correct(Context, item, Correction(new(2018, 3, 6)), visit).Accepted);
        Assert.True(EvidenceRules.Correct(Context, item, Correction(new(2018, 3, 20))).Accepted);
    }

    [Fact]
    public void an_item_s_refusal_is_named_under_its_index()
    {
        var refused = VisitRules.Under("items[3]", Rejection.Invalid("participantIds[0]", "No such participant."));

        Assert.Equal("items[3].participantIds[0]", refused.Field);
        Assert.Equal(["items[3].participantIds[0]"], refused.Errors.Keys);
    }
}
