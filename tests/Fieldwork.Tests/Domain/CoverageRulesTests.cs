using Fieldwork.Coverage;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Rules;

namespace Fieldwork.Tests.Domain;

public sealed class CoverageRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid First = Guid.NewGuid();
    private static readonly Guid Second = Guid.NewGuid();
    private static readonly Guid SiteA = Guid.NewGuid();
    private static readonly Guid SiteB = Guid.NewGuid();

    private static Evaluation Study() => Given.Study(Id,
        new WaveDefined(Id, First, "First", new(2018, 1, 1), new(2018, 6, 30)),
        new WaveDefined(Id, Second, "Second", new(2018, 7, 1), new(2018, 12, 31)));

    private static readonly HashSet<Guid> Enrolled = [SiteA, SiteB];

    private static SetWavePlan Plan(params SitePlanInput[] sites) => new([.. sites]);

    private static SitePlanInput Row(Guid site, int? visits = null, int? interviews = null, int? observations = null, int? documents = null) =>
        new(site, visits, interviews, observations, documents);

    [Fact]
    public void a_plan_is_recorded_with_every_site_and_its_targets()
    {
        var decision = PlanRules.Set(Study(), First, Plan(Row(SiteA, interviews: 2), Row(SiteB, visits: 1, documents: 0)), Enrolled, null);
        var set = Assert.IsType<WavePlanSet>(Assert.Single(decision.Events));
        Assert.Equal(Id, set.EvaluationId);
        Assert.Equal(First, set.WaveId);
        Assert.Equal([new SiteTargets(SiteA, null, 2, null, null), new SiteTargets(SiteB, 1, null, null, 0)], set.Sites);
    }

    [Fact]
    public void the_same_plan_again_in_another_order_records_nothing_and_a_changed_one_does()
    {
        var current = new WavePlan(First, 1, [new SiteTargets(SiteA, null, 2, null, null), new SiteTargets(SiteB, 1, null, null, null)], null, null);
        var same = PlanRules.Set(Study(), First, Plan(Row(SiteB, visits: 1), Row(SiteA, interviews: 2)), Enrolled, current);
        Assert.True(same.Accepted);
        Assert.Empty(same.Events);
        Assert.Single(PlanRules.Set(Study(), First, Plan(Row(SiteB, visits: 2), Row(SiteA, interviews: 2)), Enrolled, current).Events);
        Assert.Single(PlanRules.Set(Study(), First, Plan(Row(SiteA, interviews: 2)), Enrolled, current).Events);
        Assert.Single(PlanRules.Set(Study(), First, Plan(), Enrolled, current).Events);
        Assert.Empty(PlanRules.Set(Study(), First, Plan(), Enrolled, WavePlanTimeline.Unplanned(First)).Events);
    }

    [Fact]
    public void an_unknown_wave_is_not_found()
    {
        var decision = PlanRules.Set(Study(), Guid.NewGuid(), Plan(Row(SiteA, interviews: 1)), Enrolled, null);
        Assert.Equal(RejectionKind.NotFound, decision.Rejection?.Kind);
    }

    [Fact]
    public void a_site_twice_a_site_of_no_target_and_a_site_of_another_evaluation_are_named_in_one_refusal()
    {
        var stranger = Guid.NewGuid();
        var decision = PlanRules.Set(Study(), First,
            Plan(Row(SiteA, interviews: 1), Row(SiteB), Row(SiteA, documents: 1), Row(stranger, visits: 1)), Enrolled, null);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(["sites[1]", "sites[2].siteId", "sites[3].siteId"], decision.Rejection!.Errors.Keys.Order());
        Assert.Contains("sites[0]", decision.Rejection.Errors["sites[2].siteId"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(PlanRules.MaxTarget, true)]
    [InlineData(PlanRules.MaxTarget + 1, false)]
    public void targets_run_from_zero_to_the_maximum(int target, bool valid)
    {
        var result = new SetWavePlanValidator().Validate(Plan(Row(SiteA, observations: target)));
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.Equal("Sites[0].Observations", Assert.Single(result.Errors).PropertyName);
        }
    }

    [Fact]
    public void a_plan_needs_its_list_of_sites_and_no_site_may_be_left_unnamed()
    {
        Assert.Contains(new SetWavePlanValidator().Validate(new SetWavePlan(null)).Errors, e => e.PropertyName == "Sites");
        Assert.Contains(new SetWavePlanValidator().Validate(Plan(new SitePlanInput(null, 1, null, null, null))).Errors,
            e => e.PropertyName == "Sites[0].SiteId");
        Assert.True(new SetWavePlanValidator().Validate(Plan()).IsValid);
        var tooMany = new SetWavePlan([.. Enumerable.Range(0, PlanRules.MaxSites + 1).Select(_ => Row(Guid.NewGuid(), visits: 1))]);
        Assert.Contains(new SetWavePlanValidator().Validate(tooMany).Errors, e => e.PropertyName == "Sites");
    }

    [Fact]
    public void status_is_not_planned_without_a_row_met_when_every_given_target_is_reached_else_by_what_was_done()
    {
        var none = CoverageDone.None;
        var someInterviews = none with { Interviews = 2 };
        Assert.Equal(CoverageStatus.NotPlanned, CoverageRules.Status(null, someInterviews));
        Assert.Equal(CoverageStatus.NotStarted, CoverageRules.Status(new SiteTargets(SiteA, null, 2, 1, null), none));
        Assert.Equal(CoverageStatus.InProgress, CoverageRules.Status(new SiteTargets(SiteA, null, 2, 1, null), someInterviews));
        Assert.Equal(CoverageStatus.Met, CoverageRules.Status(new SiteTargets(SiteA, null, 2, 1, null), someInterviews with { Observations = 1 }));
        Assert.Equal(CoverageStatus.Met, CoverageRules.Status(new SiteTargets(SiteA, null, 2, null, null), someInterviews with { Interviews = 5 }));
        // Work of a kind the plan does not ask for starts the site but meets nothing.
        Assert.Equal(CoverageStatus.InProgress, CoverageRules.Status(new SiteTargets(SiteA, 1, null, null, null), none with { Documents = 3 }));
        // Targets of 0 ask for nothing: met from the start.
        Assert.Equal(CoverageStatus.Met, CoverageRules.Status(new SiteTargets(SiteA, 0, 0, null, null), none));
        Assert.Equal(CoverageStatus.Met, CoverageRules.Status(new SiteTargets(SiteA, 1, null, null, null), none.AddVisit(new(2018, 2, 1))));
    }

    [Fact]
    public void an_item_counts_for_its_own_wave_else_for_the_wave_holding_its_date_else_for_none()
    {
        var waves = Study().Waves;
        Assert.Equal(Second, CoverageRules.WaveOf(new(2018, 3, 1), Second, waves));
        Assert.Equal(First, CoverageRules.WaveOf(new(2018, 6, 30), null, waves));
        Assert.Equal(Second, CoverageRules.WaveOf(new(2018, 7, 1), null, waves));
        Assert.Null(CoverageRules.WaveOf(new(2019, 1, 1), null, waves));
        Assert.Null(CoverageRules.WaveOf(new(2018, 3, 1), Guid.NewGuid(), waves)); // a wave not known at the cut
    }

    [Fact]
    public void the_tally_counts_each_item_once_per_site_for_one_wave_with_observed_minutes_and_visits_in_their_slot()
    {
        var waves = Study().Waves;
        CountedItem Item(EvidenceKind kind, DateOnly on, Guid? wave, int? minutes, params Guid[] sites) =>
            CountedItem.Of(new EvidenceDetails(kind, on, wave, sites, null, [], DurationMinutes: minutes));
        var tally = new CoverageTally(waves)
            .CountEvidence([
                Item(EvidenceKind.Observation, new(2018, 2, 1), null, 45, SiteA, SiteB),
                Item(EvidenceKind.Observation, new(2018, 3, 1), First, 30, SiteA, SiteA),
                Item(EvidenceKind.Interview, new(2018, 3, 1), First, 60, SiteA),
                Item(EvidenceKind.Document, new(2018, 8, 1), null, null, SiteB),
                Item(EvidenceKind.Document, new(2019, 8, 1), null, null, SiteB),
            ])
            .CountVisits([new VisitFact(new(2018, 5, 1), null, [SiteA]), new VisitFact(new(2018, 2, 1), First, [SiteA])]);

        Assert.Equal(new CoverageDone(2, 1, 2, 0, 75, new(2018, 5, 1)), tally.For(First, SiteA));
        Assert.Equal(new CoverageDone(0, 0, 1, 0, 45, null), tally.For(First, SiteB));
        Assert.Equal(new CoverageDone(0, 0, 0, 1, 0, null), tally.For(Second, SiteB));
        Assert.Equal(CoverageDone.None, tally.For(Second, SiteA));
    }

    [Fact]
    public void the_report_has_a_row_for_every_site_given_planned_or_worked_at()
    {
        var waves = Study().Waves;
        var worked = Guid.NewGuid();
        var planned = Guid.NewGuid();
        var tally = new CoverageTally(waves).CountEvidence([CountedItem.Of(new EvidenceDetails(EvidenceKind.Document, new(2018, 2, 1), null, [worked], null, []))]);
        var plans = new Dictionary<Guid, WavePlan>
        {
            [First] = new(First, 3, [new SiteTargets(planned, null, null, null, 1), new SiteTargets(SiteA, null, 1, null, null)], null, null),
        };
        var report = CoverageReport.Build(waves, [SiteA, SiteB], plans, tally);

        Assert.Equal([First, Second], report.Select(w => w.Wave.Id));
        var first = report[0];
        Assert.Equal(3, first.Plan.Version);
        Assert.Equal([SiteA, SiteB, .. new[] { worked, planned }.Order()], first.Sites.Select(s => s.SiteId));
        Assert.Equal([CoverageStatus.NotStarted, CoverageStatus.NotPlanned], first.Sites.Take(2).Select(s => s.Status));
        Assert.Equal(CoverageStatus.NotPlanned, first.Sites.Single(s => s.SiteId == worked).Status);
        Assert.Equal(CoverageStatus.NotStarted, first.Sites.Single(s => s.SiteId == planned).Status);
        Assert.Equal(0, report[1].Plan.Version);
        Assert.Equal([SiteA, SiteB], report[1].Sites.Select(s => s.SiteId));
    }

    [Fact]
    public void the_plan_timeline_answers_the_version_known_at_a_log_position()
    {
        var stream = WavePlanTimeline.StreamId(Id, First);
        Assert.Equal(stream, WavePlanTimeline.StreamId(Id, First));
        Assert.NotEqual(stream, WavePlanTimeline.StreamId(Id, Second));
        var timeline = Given.Fold<WavePlanTimeline>(stream, "lead",
            new WavePlanSet(Id, First, [new SiteTargets(SiteA, 1, null, null, null)]),
            new WavePlanSet(Id, First, [new SiteTargets(SiteB, 2, null, null, null)]));
        Assert.Equal(0, timeline.KnownAt(0).Version);
        Assert.Empty(timeline.KnownAt(0).Sites);
        Assert.Equal(SiteA, Assert.Single(timeline.KnownAt(1).Sites).SiteId);
        Assert.Equal(2, timeline.KnownAt().Version);
        Assert.Equal("lead", timeline.KnownAt().SetBy);
        Assert.Equal(SiteB, Assert.Single(timeline.KnownAt().Sites).SiteId);
    }
}
