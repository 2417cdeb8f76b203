using Fieldwork.Access;
using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Rules;

namespace Fieldwork.Tests.Domain;

public sealed class CodingRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid Item = Guid.NewGuid();
    private static readonly Guid Active = Guid.NewGuid(), Retired = Guid.NewGuid(), Merged = Guid.NewGuid();
    private static readonly Guid Coded = Guid.NewGuid(), Removed = Guid.NewGuid();

    private static readonly IReadOnlyDictionary<Guid, CodeState> Codes = Given.Fold<Codebook>(Codebook.StreamId(Id), "an-1",
        new CodeDefined(Id, Active, "Technology", "Systems", null, null),
        new CodeDefined(Id, Retired, "Old", "Unused", null, null),
        new CodeDefined(Id, Merged, "Tech", "Systems too", null, null),
        new CodeRetired(Id, Retired, "Unused"),
        new CodeMerged(Id, Merged, Active)).AsOf();

    /// <summary>An interview with text versions 1 (100 characters) and 2 (50), coded by an-1 on [0, 10) of version 1, and a coding since removed.</summary>
    private static EvidenceTimeline Interview(bool withTexts = true)
    {
        var logged = new InterviewLogged(Id, Item, new DateOnly(2018, 3, 5), null, [Guid.NewGuid()], null, [Guid.NewGuid()], InterviewFormat.OneToOne,
            InterviewMode.Phone, 30);
        return withTexts
            ? Given.Fold<EvidenceTimeline>(Item, "fw-1", logged,
                new TextVersionAdded(Id, Item, 1, 100, "sha1", null, null),
                new TextVersionAdded(Id, Item, 2, 50, "sha2", null, null),
                new CodingApplied(Id, Item, Coded, Active, 1, 0, 10, "an-1", null),
                new CodingApplied(Id, Item, Removed, Active, 1, 20, 30, "an-1", null),
                new CodingRemoved(Id, Item, Removed))
            : Given.Fold<EvidenceTimeline>(Item, "fw-1", logged);
    }

    private static ApplyCoding Coding(Guid? codeId = null, int version = 1, int start = 0, int end = 10, string? note = null) =>
        new(null, codeId ?? Active, version, start, end, note);

    private static void InvalidOn(Decision decision, params string[] fields)
    {
        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(fields.Order(StringComparer.Ordinal), decision.Rejection!.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void a_coding_of_a_span_of_a_text_version_is_recorded_for_its_coder_with_its_note_trimmed_or_null()
    {
        var codingId = Guid.NewGuid();
        var decision = CodingRules.Apply(Interview(), Codes, codingId, "an-2", Coding(version: 2, start: 5, end: 50, note: " Key moment "));
        Assert.Equal(new CodingApplied(Id, Item, codingId, Active, 2, 5, 50, "an-2", "Key moment"), Assert.Single(decision.Events));
        var blank = Assert.IsType<CodingApplied>(Assert.Single(CodingRules.Apply(Interview(), Codes, codingId, "an-2", Coding(note: "  ")).Events));
        Assert.Null(blank.Note);
    }

    [Fact]
    public void an_unknown_code_is_invalid_on_code_id()
    {
        InvalidOn(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(Guid.NewGuid())), "codeId");
    }

    [Fact]
    public void a_retired_code_takes_no_new_codings_and_a_merged_one_points_to_its_target()
    {
        InvalidOn(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(Retired)), "codeId");
        var merged = CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(Merged));
        InvalidOn(merged, "codeId");
        Assert.Contains("'Technology'", merged.Rejection!.Detail);
    }

    [Fact]
    public void an_item_without_text_or_a_text_version_it_does_not_have_is_invalid_on_text_version()
    {
        var none = CodingRules.Apply(Interview(withTexts: false), Codes, Guid.NewGuid(), "an-2", Coding());
        InvalidOn(none, "textVersion");
        Assert.Contains("no text", none.Rejection!.Detail);
        var missing = CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(version: 3));
        InvalidOn(missing, "textVersion");
        Assert.Contains("1 to 2", missing.Rejection!.Detail);
    }

    [Fact]
    public void a_span_may_end_at_the_end_of_its_text_version_but_not_past_it()
    {
        Assert.True(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(version: 2, start: 40, end: 50)).Accepted);
        InvalidOn(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(version: 2, start: 40, end: 51)), "end");
    }

    [Fact]
    public void field_errors_are_refused_together_and_outrank_an_erasure()
    {
        InvalidOn(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(Retired, version: 1, end: 101), ["P-1"]), "codeId", "end");
    }

    [Fact]
    public void text_erased_with_a_participants_withdrawal_takes_no_new_codings()
    {
        var decision = CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(), ["P-1", "P-2"]);
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
        Assert.Contains("P-1, P-2", decision.Rejection!.Detail);
        Assert.True(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding(), []).Accepted);
    }

    [Fact]
    public void a_coder_cannot_code_the_same_span_of_the_same_version_with_the_same_code_twice()
    {
        Assert.Equal(RejectionKind.Conflict, CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-1", Coding()).Rejection?.Kind);
    }

    [Fact]
    public void the_same_span_may_be_coded_by_another_coder_on_another_version_or_span_or_again_after_a_removal()
    {
        Assert.True(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-2", Coding()).Accepted);
        Assert.True(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-1", Coding(version: 2)).Accepted);
        Assert.True(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-1", Coding(end: 11)).Accepted);
        Assert.True(CodingRules.Apply(Interview(), Codes, Guid.NewGuid(), "an-1", Coding(start: 20, end: 30)).Accepted);
    }

    [Fact]
    public void a_coder_removes_their_own_coding_and_a_lead_anyones_but_no_one_else()
    {
        Assert.Equal(new CodingRemoved(Id, Item, Coded), Assert.Single(CodingRules.Remove(Interview(), Coded, "an-1", Role.Analyst).Events));
        Assert.Single(CodingRules.Remove(Interview(), Coded, "lead-1", Role.Lead).Events);
        var other = CodingRules.Remove(Interview(), Coded, "an-2", Role.Analyst);
        Assert.Equal(RejectionKind.Forbidden, other.Rejection?.Kind);
        Assert.Empty(other.Events);
    }

    [Fact]
    public void removing_an_unknown_or_already_removed_coding_is_not_found()
    {
        Assert.Equal(RejectionKind.NotFound, CodingRules.Remove(Interview(), Guid.NewGuid(), "an-1", Role.Lead).Rejection?.Kind);
        Assert.Equal(RejectionKind.NotFound, CodingRules.Remove(Interview(), Removed, "an-1", Role.Lead).Rejection?.Kind);
    }
}
