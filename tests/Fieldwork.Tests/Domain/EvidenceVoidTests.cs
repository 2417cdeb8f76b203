using Fieldwork.Access;
using Fieldwork.Evidence;
using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Tests.Domain;

/// <summary>The void rule and what a void does to an item's timeline, with no host and no database.</summary>
public sealed class EvidenceVoidTests
{
    private static readonly Guid Evaluation = Guid.NewGuid();
    private static readonly Guid Item = Guid.NewGuid();

    private static EvidenceTimeline Logged(string by, params object[] more)
    {
        var timeline = new EvidenceTimeline();
        var sequence = 10L;
        foreach (var data in new object[] { new ObservationLogged(Evaluation, Item, new DateOnly(2018, 3, 5), null, [Guid.NewGuid()], null,
                     ObservationSetting.Meeting, 60) }.Concat(more))
        {
            timeline.Record(new Event<object>(data) { Sequence = ++sequence, StreamId = Item, UserName = by, Timestamp = DateTimeOffset.UnixEpoch });
        }

        return timeline;
    }

    [Fact]
    public void the_person_who_logged_it_or_a_lead_may_void_it_and_no_one_else()
    {
        var item = Logged("fw-1");
        Assert.IsType<EvidenceVoided>(Assert.Single(EvidenceRules.Void(item, "fw-1", Role.Fieldworker, new VoidEvidence(" Logged twice ")).Events));
        Assert.Single(EvidenceRules.Void(item, "lead-1", Role.Lead, new VoidEvidence("Logged twice")).Events);
        Assert.Equal(Fieldwork.Rules.RejectionKind.Forbidden, EvidenceRules.Void(item, "fw-2", Role.Fieldworker, new VoidEvidence("x")).Rejection!.Kind);
        Assert.Equal(Fieldwork.Rules.RejectionKind.Forbidden, EvidenceRules.Void(item, "an-1", Role.Analyst, new VoidEvidence("x")).Rejection!.Kind);
        Assert.Null(EvidenceRules.Voided(item));
    }

    [Fact]
    public void voiding_again_records_nothing_and_a_voided_item_takes_no_more()
    {
        var item = Logged("fw-1", new EvidenceVoided(Evaluation, Item, "Logged twice"));
        var again = EvidenceRules.Void(item, "fw-1", Role.Fieldworker, new VoidEvidence("Again"));
        Assert.True(again.Accepted);
        Assert.Empty(again.Events);
        Assert.Equal(Fieldwork.Rules.RejectionKind.Conflict, EvidenceRules.Voided(item)!.Kind);
    }

    [Fact]
    public void a_void_counts_from_the_moment_it_is_known_and_replays_before_it_keep_the_item()
    {
        var item = Logged("fw-1", new EvidenceVoided(Evaluation, Item, "Logged twice"));
        var today = new DateOnly(2020, 1, 1);
        Assert.Null(item.AsOf(Cut.Now(today)));
        Assert.Equal("Logged twice", item.AsOfWithVoided(Cut.Now(today))!.Void!.Reason);
        var before = new Cut(today, 11);
        Assert.NotNull(item.AsOf(before));
        Assert.Null(item.AsOfWithVoided(before)!.Void);
    }
}
