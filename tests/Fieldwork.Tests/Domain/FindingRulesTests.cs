using Fieldwork.Findings;
using Fieldwork.Rules;

namespace Fieldwork.Tests.Domain;

public sealed class FindingRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid FindingId = Guid.NewGuid();
    private static readonly Guid Site = Guid.NewGuid(), Pairing = Guid.NewGuid(), Wave = Guid.NewGuid();
    private static readonly Guid LinkedCoding = Guid.NewGuid(), LinkedMemo = Guid.NewGuid();
    private static readonly IReadOnlySet<Guid> None = new HashSet<Guid>();

    /// <summary>A finding drafted (version 1) with a coding and a memo linked (version 2), then moved to <paramref name="status"/> (version 3) unless it stays a draft.</summary>
    private static FindingState Finding(FindingStatus status = FindingStatus.Draft)
    {
        object[] events =
        [
            new FindingDrafted(Id, FindingId, "Pairs learn faster", [Site], [], []),
            new FindingEvidenceLinked(Id, FindingId, Stance.Supporting, [LinkedCoding], [LinkedMemo]),
            .. status == FindingStatus.Draft ? Array.Empty<object>() : [new FindingStatusChanged(Id, FindingId, FindingStatus.Draft, status, null)],
        ];
        return Given.Fold<FindingTimeline>(FindingId, "an-1", events).Current!;
    }

    private static int VersionOf(FindingStatus status) => status == FindingStatus.Draft ? 2 : 3;

    private static void Conflicts(Decision decision, string? saying = null)
    {
        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
        if (saying is not null)
        {
            Assert.Contains(saying, decision.Rejection!.Detail);
        }
    }

    private static void InvalidOn(Decision decision, params string[] fields)
    {
        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(fields.Order(StringComparer.Ordinal), decision.Rejection!.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void a_finding_is_drafted_with_its_statement_trimmed_and_each_scope_id_once()
    {
        var decision = FindingRules.Draft(Id, FindingId, new DraftFinding(null, " Pairs learn faster ", [Site, Site], [Pairing], null),
            new HashSet<Guid> { Site }, new HashSet<Guid> { Pairing }, None);
        var drafted = Assert.IsType<FindingDrafted>(Assert.Single(decision.Events));
        Assert.Equal((Id, FindingId, "Pairs learn faster"), (drafted.EvaluationId, drafted.FindingId, drafted.Statement));
        Assert.Equal([Site], drafted.SiteIds);
        Assert.Equal([Pairing], drafted.PairingIds);
        Assert.Empty(drafted.WaveIds);
    }

    [Fact]
    public void each_unknown_site_pairing_and_wave_is_invalid_on_its_position()
    {
        var decision = FindingRules.Draft(Id, FindingId, new DraftFinding(null, "S", [Site, Guid.NewGuid()], [Guid.NewGuid()], [Wave, Guid.NewGuid()]),
            new HashSet<Guid> { Site }, new HashSet<Guid> { Pairing }, new HashSet<Guid> { Wave });
        InvalidOn(decision, "siteIds[1]", "pairingIds[0]", "waveIds[1]");
    }

    [Fact]
    public void an_open_finding_at_the_version_last_read_is_revised_with_its_statement_trimmed()
    {
        foreach (var status in new[] { FindingStatus.Draft, FindingStatus.UnderReview, FindingStatus.Accepted })
        {
            var decision = FindingRules.Revise(Id, Finding(status), new ReviseFinding(VersionOf(status), " Pairs learn faster, mostly "));
            Assert.Equal(new FindingRevised(Id, FindingId, "Pairs learn faster, mostly"), Assert.Single(decision.Events));
        }
    }

    [Fact]
    public void a_revision_of_a_stale_version_conflicts()
    {
        Conflicts(FindingRules.Revise(Id, Finding(), new ReviseFinding(1, "S")), "version 2, not 1");
    }

    [Fact]
    public void a_reported_or_retracted_finding_takes_no_revision()
    {
        Conflicts(FindingRules.Revise(Id, Finding(FindingStatus.Reported), new ReviseFinding(3, "S")), "only be retracted");
        Conflicts(FindingRules.Revise(Id, Finding(FindingStatus.Retracted), new ReviseFinding(3, "S")), "final");
    }

    [Fact]
    public void codings_and_memos_of_the_evaluation_are_linked_with_a_stance_each_once()
    {
        Guid coding = Guid.NewGuid(), memo = Guid.NewGuid();
        var decision = FindingRules.Link(Id, Finding(), new LinkFindingEvidence(2, Stance.Contrary, [coding, coding], [memo]),
            new HashSet<Guid> { coding }, new HashSet<Guid> { memo });
        var linked = Assert.IsType<FindingEvidenceLinked>(Assert.Single(decision.Events));
        Assert.Equal((Id, FindingId, Stance.Contrary), (linked.EvaluationId, linked.FindingId, linked.Stance));
        Assert.Equal([coding], linked.CodingIds);
        Assert.Equal([memo], linked.MemoIds);
        var codingsOnly = FindingRules.Link(Id, Finding(), new LinkFindingEvidence(2, Stance.Supporting, [coding], null), new HashSet<Guid> { coding }, None);
        Assert.Empty(Assert.IsType<FindingEvidenceLinked>(Assert.Single(codingsOnly.Events)).MemoIds);
    }

    [Fact]
    public void each_unknown_coding_or_memo_is_invalid_on_its_position()
    {
        Guid coding = Guid.NewGuid();
        var decision = FindingRules.Link(Id, Finding(), new LinkFindingEvidence(2, Stance.Supporting, [coding, Guid.NewGuid()], [Guid.NewGuid()]),
            new HashSet<Guid> { coding }, None);
        InvalidOn(decision, "codingIds[1]", "memoIds[0]");
    }

    [Fact]
    public void a_link_to_a_stale_version_or_a_closed_finding_conflicts_before_its_items_are_checked()
    {
        var unknown = new LinkFindingEvidence(2, Stance.Supporting, [Guid.NewGuid()], null);
        Conflicts(FindingRules.Link(Id, Finding(), unknown with { ExpectedVersion = 1 }, None, None));
        Conflicts(FindingRules.Link(Id, Finding(FindingStatus.Reported), unknown with { ExpectedVersion = 3 }, None, None), "only be retracted");
        Conflicts(FindingRules.Link(Id, Finding(FindingStatus.Retracted), unknown with { ExpectedVersion = 3 }, None, None), "final");
    }

    [Fact]
    public void a_linked_coding_or_memo_is_unlinked()
    {
        Assert.Equal(new FindingEvidenceUnlinked(Id, FindingId, LinkedCoding), Assert.Single(FindingRules.Unlink(Id, Finding(), LinkedCoding, 2).Events));
        Assert.Equal(new FindingEvidenceUnlinked(Id, FindingId, LinkedMemo), Assert.Single(FindingRules.Unlink(Id, Finding(), LinkedMemo, 2).Events));
    }

    [Fact]
    public void unlinking_needs_the_version_last_read_an_open_finding_and_an_item_that_is_linked()
    {
        InvalidOn(FindingRules.Unlink(Id, Finding(), LinkedCoding, null), "expectedVersion");
        Conflicts(FindingRules.Unlink(Id, Finding(), LinkedCoding, 1));
        Conflicts(FindingRules.Unlink(Id, Finding(FindingStatus.Reported), LinkedCoding, 3), "only be retracted");
        Conflicts(FindingRules.Unlink(Id, Finding(FindingStatus.Retracted), LinkedCoding, 3), "final");
        var notLinked = FindingRules.Unlink(Id, Finding(), Guid.NewGuid(), 2);
        Assert.Equal(RejectionKind.NotFound, notLinked.Rejection?.Kind);
    }

    public static TheoryData<FindingStatus, FindingStatus, bool> Moves()
    {
        // Written out here, not read from FindingRules.Moves, so that a change to the table fails.
        var allowed = new HashSet<(FindingStatus, FindingStatus)>
        {
            (FindingStatus.Draft, FindingStatus.UnderReview), (FindingStatus.Draft, FindingStatus.Accepted), (FindingStatus.Draft, FindingStatus.Retracted),
            (FindingStatus.UnderReview, FindingStatus.Draft), (FindingStatus.UnderReview, FindingStatus.Accepted),
            (FindingStatus.UnderReview, FindingStatus.Retracted),
            (FindingStatus.Accepted, FindingStatus.Draft), (FindingStatus.Accepted, FindingStatus.UnderReview),
            (FindingStatus.Accepted, FindingStatus.Reported), (FindingStatus.Accepted, FindingStatus.Retracted),
            (FindingStatus.Reported, FindingStatus.Retracted),
        };
        var data = new TheoryData<FindingStatus, FindingStatus, bool>();
        foreach (var from in Enum.GetValues<FindingStatus>())
        {
            foreach (var to in Enum.GetValues<FindingStatus>().Where(to => to != from))
            {
                data.Add(from, to, allowed.Contains((from, to)));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Moves))]
    public void a_finding_moves_only_along_its_review_and_a_retraction_is_final(FindingStatus from, FindingStatus to, bool allowed)
    {
        var decision = FindingRules.ChangeStatus(Id, Finding(from), new ChangeFindingStatus(VersionOf(from), to, " Reviewed "), []);
        if (allowed)
        {
            Assert.Equal(new FindingStatusChanged(Id, FindingId, from, to, "Reviewed"), Assert.Single(decision.Events));
        }
        else
        {
            Conflicts(decision, from == FindingStatus.Reported ? "only be retracted" : "cannot go from");
        }
    }

    [Fact]
    public void a_move_to_the_status_the_finding_has_or_from_a_stale_version_conflicts()
    {
        Conflicts(FindingRules.ChangeStatus(Id, Finding(), new ChangeFindingStatus(2, FindingStatus.Draft, null), []), "already draft");
        Conflicts(FindingRules.ChangeStatus(Id, Finding(FindingStatus.Retracted), new ChangeFindingStatus(3, FindingStatus.Retracted, null), []),
            "already retracted");
        Conflicts(FindingRules.ChangeStatus(Id, Finding(), new ChangeFindingStatus(1, FindingStatus.UnderReview, null), []), "version 2, not 1");
    }

    [Fact]
    public void a_blank_note_is_recorded_as_none()
    {
        var decision = FindingRules.ChangeStatus(Id, Finding(), new ChangeFindingStatus(2, FindingStatus.UnderReview, "  "), []);
        Assert.Null(Assert.IsType<FindingStatusChanged>(Assert.Single(decision.Events)).Note);
    }

    [Fact]
    public void a_finding_resting_on_withdrawn_participants_material_is_not_reported_and_that_is_said_before_quoting()
    {
        var decision = FindingRules.ChangeStatus(Id, Finding(FindingStatus.Accepted), new ChangeFindingStatus(3, FindingStatus.Reported, null), ["P-2"],
            ["a coding of P-1's interview"]);
        Conflicts(decision, "a coding of P-1's interview");
        Assert.DoesNotContain("P-2", decision.Rejection!.Detail);
    }

    [Fact]
    public void a_finding_quoting_participants_who_did_not_consent_to_quoting_is_not_reported()
    {
        Conflicts(FindingRules.ChangeStatus(Id, Finding(FindingStatus.Accepted), new ChangeFindingStatus(3, FindingStatus.Reported, null), ["P-2", "P-3"]),
            "P-2, P-3");
        Assert.True(FindingRules.ChangeStatus(Id, Finding(FindingStatus.Accepted), new ChangeFindingStatus(3, FindingStatus.Reported, null), [], []).Accepted);
    }

    [Fact]
    public void consent_and_withdrawal_bar_only_reporting_not_other_moves()
    {
        var decision = FindingRules.ChangeStatus(Id, Finding(FindingStatus.Accepted), new ChangeFindingStatus(3, FindingStatus.Retracted, null), ["P-2"],
            ["a coding of P-1's interview"]);
        Assert.Single(decision.Events);
    }
}
