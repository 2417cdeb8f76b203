using Fieldwork.Coding;
using Fieldwork.Rules;

namespace Fieldwork.Tests.Domain;

public sealed class CodebookRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid Leadership = Guid.NewGuid(), Champions = Guid.NewGuid(), Clinical = Guid.NewGuid(), Technology = Guid.NewGuid();
    private static readonly Guid Old = Guid.NewGuid(), Duplicate = Guid.NewGuid();

    /// <summary>
    /// Leadership &gt; Champions &gt; Clinical, and Technology, at version 1; Champions revised once (version 2);
    /// "Old" retired and "Duplicate" merged into Technology, both at the top level.
    /// </summary>
    private static IReadOnlyDictionary<Guid, CodeState> Codes(params object[] more) =>
        Given.Fold<Codebook>(Codebook.StreamId(Id), "an-1",
        [
            new CodeDefined(Id, Leadership, "Leadership", "Who leads", null, null),
            new CodeDefined(Id, Champions, "Champions", "Clinical champions", null, Leadership),
            new CodeDefined(Id, Clinical, "Clinical", "Clinicians who champion", null, Champions),
            new CodeDefined(Id, Technology, "Technology", "Systems", null, null),
            new CodeDefined(Id, Old, "Old", "Unused", null, null),
            new CodeDefined(Id, Duplicate, "Duplicate", "Same as Technology", null, null),
            new CodeRevised(Id, Champions, null, "Champions of change", null),
            new CodeRetired(Id, Old, "Unused"),
            new CodeMerged(Id, Duplicate, Technology),
            .. more,
        ]).AsOf();

    private static ReviseCode Revise(int version, string? name = null, string? definition = null, Guid? parentId = null) =>
        new(version, name, definition, parentId);

    [Fact]
    public void a_code_is_defined_with_its_words_trimmed_at_the_top_level_or_under_an_active_parent()
    {
        var codeId = Guid.NewGuid();
        var top = CodebookRules.Define(Id, Codes(), codeId, new DefineCode(null, " Culture ", null, " Shared values ", " context "));
        Assert.Equal(new CodeDefined(Id, codeId, "Culture", "Shared values", "context", null), Assert.Single(top.Events));
        var under = CodebookRules.Define(Id, Codes(), codeId, new DefineCode(null, "Managers", Leadership, "Line managers", null));
        Assert.Equal(new CodeDefined(Id, codeId, "Managers", "Line managers", null, Leadership), Assert.Single(under.Events));
    }

    [Fact]
    public void a_parent_that_is_unknown_retired_or_merged_is_invalid_on_parent_id()
    {
        foreach (var parent in new[] { Guid.NewGuid(), Old, Duplicate })
        {
            var decision = CodebookRules.Define(Id, Codes(), Guid.NewGuid(), new DefineCode(null, "X", parent, "X", null));
            Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
            Assert.Equal("parentId", decision.Rejection?.Field);
        }
    }

    [Fact]
    public void an_active_sibling_with_the_same_name_in_any_case_conflicts()
    {
        Assert.Equal(RejectionKind.Conflict,
            CodebookRules.Define(Id, Codes(), Guid.NewGuid(), new DefineCode(null, " TECHNOLOGY ", null, "X", null)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict,
            CodebookRules.Define(Id, Codes(), Guid.NewGuid(), new DefineCode(null, "champions", Leadership, "X", null)).Rejection?.Kind);
    }

    [Fact]
    public void a_name_may_repeat_under_another_parent_or_after_the_code_that_had_it_was_retired_or_merged()
    {
        Assert.True(CodebookRules.Define(Id, Codes(), Guid.NewGuid(), new DefineCode(null, "Champions", Technology, "X", null)).Accepted);
        Assert.True(CodebookRules.Define(Id, Codes(), Guid.NewGuid(), new DefineCode(null, "Old", null, "X", null)).Accepted);
        Assert.True(CodebookRules.Define(Id, Codes(), Guid.NewGuid(), new DefineCode(null, "Duplicate", null, "X", null)).Accepted);
    }

    [Fact]
    public void a_revision_records_only_what_it_changes_trimmed()
    {
        var decision = CodebookRules.Revise(Id, Codes(), Champions, Revise(2, name: " Change agents ", definition: " People who lead change "));
        Assert.Equal(new CodeRevised(Id, Champions, "Change agents", "People who lead change", null), Assert.Single(decision.Events));
        var moved = CodebookRules.Revise(Id, Codes(), Clinical, Revise(1, parentId: Technology));
        Assert.Equal(new CodeRevised(Id, Clinical, null, null, Technology), Assert.Single(moved.Events));
    }

    [Fact]
    public void revising_an_unknown_code_is_not_found()
    {
        Assert.Equal(RejectionKind.NotFound, CodebookRules.Revise(Id, Codes(), Guid.NewGuid(), Revise(1, name: "X")).Rejection?.Kind);
    }

    [Fact]
    public void a_revision_of_a_version_other_than_the_current_one_conflicts()
    {
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, Codes(), Champions, Revise(1, definition: "X")).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, Codes(), Champions, Revise(3, definition: "X")).Rejection?.Kind);
    }

    [Fact]
    public void a_retired_or_merged_code_can_no_longer_be_revised()
    {
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, Codes(), Old, Revise(2, definition: "X")).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, Codes(), Duplicate, Revise(2, definition: "X")).Rejection?.Kind);
    }

    [Fact]
    public void a_move_under_a_code_that_is_unknown_retired_or_merged_is_invalid_on_parent_id()
    {
        foreach (var parent in new[] { Guid.NewGuid(), Old, Duplicate })
        {
            var decision = CodebookRules.Revise(Id, Codes(), Technology, Revise(1, parentId: parent));
            Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
            Assert.Equal("parentId", decision.Rejection?.Field);
        }
    }

    [Fact]
    public void a_code_cannot_move_under_itself_or_any_of_its_descendants()
    {
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, Codes(), Leadership, Revise(1, parentId: Leadership)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, Codes(), Leadership, Revise(1, parentId: Champions)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, Codes(), Leadership, Revise(1, parentId: Clinical)).Rejection?.Kind);
        Assert.True(CodebookRules.Revise(Id, Codes(), Leadership, Revise(1, parentId: Technology)).Accepted);
    }

    [Fact]
    public void a_rename_or_move_that_would_give_two_active_siblings_one_name_conflicts()
    {
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, Codes(), Leadership, Revise(1, name: "technology")).Rejection?.Kind);
        var otherClinical = Guid.NewGuid();
        var codes = Codes(new CodeDefined(Id, otherClinical, "clinical", "Under leadership", null, Leadership));
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, codes, Clinical, Revise(1, parentId: Leadership)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Revise(Id, codes, otherClinical, Revise(1, parentId: Champions)).Rejection?.Kind);
        Assert.True(CodebookRules.Revise(Id, codes, otherClinical, Revise(1, parentId: Technology)).Accepted);
    }

    [Fact]
    public void a_code_may_keep_or_recase_its_own_name_and_take_a_retired_codes_name()
    {
        Assert.True(CodebookRules.Revise(Id, Codes(), Technology, Revise(1, name: "TECHNOLOGY")).Accepted);
        Assert.True(CodebookRules.Revise(Id, Codes(), Technology, Revise(1, name: "Old")).Accepted);
    }

    [Fact]
    public void a_code_is_merged_into_another_active_code_even_its_own_parent()
    {
        Assert.Equal(new CodeMerged(Id, Technology, Leadership), Assert.Single(CodebookRules.Merge(Id, Codes(), Technology, new MergeCode(Leadership)).Events));
        Assert.Equal(new CodeMerged(Id, Clinical, Champions), Assert.Single(CodebookRules.Merge(Id, Codes(), Clinical, new MergeCode(Champions)).Events));
    }

    [Fact]
    public void merging_an_unknown_code_is_not_found()
    {
        Assert.Equal(RejectionKind.NotFound, CodebookRules.Merge(Id, Codes(), Guid.NewGuid(), new MergeCode(Technology)).Rejection?.Kind);
    }

    [Fact]
    public void a_merge_into_itself_or_into_a_code_that_is_unknown_retired_or_merged_is_invalid_on_into_code_id()
    {
        foreach (var into in new[] { Technology, Guid.NewGuid(), Old, Duplicate })
        {
            var decision = CodebookRules.Merge(Id, Codes(), Technology, new MergeCode(into));
            Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
            Assert.Equal("intoCodeId", decision.Rejection?.Field);
        }
    }

    [Fact]
    public void a_retired_or_merged_code_cannot_be_merged()
    {
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Merge(Id, Codes(), Old, new MergeCode(Technology)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Merge(Id, Codes(), Duplicate, new MergeCode(Leadership)).Rejection?.Kind);
    }

    [Fact]
    public void a_code_cannot_be_merged_into_one_of_its_descendants()
    {
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Merge(Id, Codes(), Leadership, new MergeCode(Champions)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Merge(Id, Codes(), Leadership, new MergeCode(Clinical)).Rejection?.Kind);
    }

    [Fact]
    public void a_code_without_active_children_is_retired_with_its_reason_trimmed()
    {
        Assert.Equal(new CodeRetired(Id, Technology, "No longer used"),
            Assert.Single(CodebookRules.Retire(Id, Codes(), Technology, new RetireCode(" No longer used ")).Events));
        var childRetired = Codes(new CodeRetired(Id, Clinical, "Gone"));
        Assert.True(CodebookRules.Retire(Id, childRetired, Champions, new RetireCode("Gone")).Accepted);
    }

    [Fact]
    public void a_code_with_an_active_child_cannot_be_retired()
    {
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Retire(Id, Codes(), Champions, new RetireCode("X")).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Retire(Id, Codes(), Leadership, new RetireCode("X")).Rejection?.Kind);
    }

    [Fact]
    public void retiring_an_unknown_code_is_not_found_and_one_no_longer_active_conflicts()
    {
        Assert.Equal(RejectionKind.NotFound, CodebookRules.Retire(Id, Codes(), Guid.NewGuid(), new RetireCode("X")).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Retire(Id, Codes(), Old, new RetireCode("X")).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, CodebookRules.Retire(Id, Codes(), Duplicate, new RetireCode("X")).Rejection?.Kind);
    }

    [Fact]
    public void a_merge_that_would_move_a_child_next_to_an_active_sibling_of_the_same_name_conflicts()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), underA = Guid.NewGuid(), underB = Guid.NewGuid();
        var codes = Given.Fold<Codebook>(Codebook.StreamId(Id), "an-1",
            new CodeDefined(Id, a, "Barriers", "A", null, null),
            new CodeDefined(Id, b, "Obstacles", "B", null, null),
            new CodeDefined(Id, underA, "Funding", "Money", null, a),
            new CodeDefined(Id, underB, "funding", "Money too", null, b)).AsOf();

        var decision = CodebookRules.Merge(Id, codes, a, new MergeCode(b));

        // Accepted, the replay would hold two active codes named Funding under Obstacles.
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
    }
}
