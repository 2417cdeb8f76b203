using Fieldwork.Access;
using Fieldwork.Coding;
using Fieldwork.Rules;

namespace Fieldwork.Tests.Domain;

public sealed class MemoRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid MemoId = Guid.NewGuid();
    private static readonly Guid About = Guid.NewGuid();

    /// <summary>A memo written by an-1 and revised once: version 2.</summary>
    private static readonly MemoTimeline Memo = Given.Fold<MemoTimeline>(MemoId, "an-1",
        new MemoWritten(Id, MemoId, MemoAbout.Code, About, "First", "an-1"),
        new MemoRevised(Id, MemoId, "Second"));

    [Fact]
    public void a_memo_about_something_of_the_evaluation_is_written_with_its_text_trimmed_and_its_author()
    {
        var decision = MemoRules.Write(Id, MemoId, "an-1", new WriteMemo(null, MemoAbout.Pairing, About, " Both sites use EPR-A "), aboutExists: true);
        Assert.Equal(new MemoWritten(Id, MemoId, MemoAbout.Pairing, About, "Both sites use EPR-A", "an-1"), Assert.Single(decision.Events));
    }

    [Fact]
    public void a_memo_about_nothing_of_the_evaluation_is_invalid_on_about_id_naming_the_kind()
    {
        var decision = MemoRules.Write(Id, MemoId, "an-1", new WriteMemo(null, MemoAbout.Finding, About, "Text"), aboutExists: false);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("aboutId", decision.Rejection?.Field);
        Assert.Contains("finding", decision.Rejection!.Detail);
    }

    [Fact]
    public void the_author_or_a_lead_revises_a_memo_at_the_version_last_read()
    {
        Assert.Equal(new MemoRevised(Id, MemoId, "Third"), Assert.Single(MemoRules.Revise(Memo, new ReviseMemo(2, " Third "), "an-1", Role.Analyst).Events));
        Assert.Single(MemoRules.Revise(Memo, new ReviseMemo(2, "Third"), "lead-1", Role.Lead).Events);
    }

    [Fact]
    public void no_one_else_revises_a_memo_whatever_the_version()
    {
        Assert.Equal(RejectionKind.Forbidden, MemoRules.Revise(Memo, new ReviseMemo(2, "Third"), "an-2", Role.Analyst).Rejection?.Kind);
        Assert.Equal(RejectionKind.Forbidden, MemoRules.Revise(Memo, new ReviseMemo(1, "Third"), "an-2", Role.Analyst).Rejection?.Kind);
    }

    [Fact]
    public void a_revision_of_a_stale_version_conflicts()
    {
        var decision = MemoRules.Revise(Memo, new ReviseMemo(1, "Third"), "an-1", Role.Analyst);
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.Conflict, MemoRules.Revise(Memo, new ReviseMemo(3, "Third"), "an-1", Role.Analyst).Rejection?.Kind);
    }
}
