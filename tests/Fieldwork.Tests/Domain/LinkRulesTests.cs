using Fieldwork.Links;
using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Tests.Domain;

public sealed class LinkRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid LinkId = Guid.NewGuid();
    private static readonly Guid A = Guid.NewGuid(), B = Guid.NewGuid();
    private static readonly Fieldwork.Evaluations.Evaluation Study = Given.Study(Id);
    private static readonly SiteTimeline SiteA = Given.Site(Id, A, "EX-1", ProgrammeRole.Exemplar, new DateOnly(2017, 1, 1));
    private static readonly SiteTimeline SiteB = Given.Site(Id, B, "OTH-1", ProgrammeRole.Other, new DateOnly(2018, 1, 1));

    private static FormLink Form(DateOnly on, string? note = null) => new(null, A, B, on, note);

    [Fact]
    public void two_sites_enrolled_by_the_date_are_linked_whatever_their_programme_roles_with_the_note_trimmed_or_null()
    {
        var decision = LinkRules.Form(Study, LinkId, Form(new DateOnly(2018, 1, 1), " Same region "), SiteA, SiteB);
        Assert.Equal(new LinkFormed(Id, LinkId, A, B, new DateOnly(2018, 1, 1), "Same region"), Assert.Single(decision.Events));
        var blank = LinkRules.Form(Study, LinkId, Form(new DateOnly(2018, 1, 1), "  "), SiteA, SiteB);
        Assert.Null(Assert.IsType<LinkFormed>(Assert.Single(blank.Events)).Note);
    }

    [Fact]
    public void a_link_formed_outside_the_evaluation_is_invalid_on_formed_on()
    {
        var decision = LinkRules.Form(Study, LinkId, Form(new DateOnly(2021, 10, 1)), SiteA, SiteB);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("formedOn", decision.Rejection?.Field);
    }

    [Fact]
    public void unknown_sites_are_both_named_in_one_refusal()
    {
        var decision = LinkRules.Form(Study, LinkId, Form(new DateOnly(2018, 1, 1)), null, null);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(["siteAId", "siteBId"], decision.Rejection!.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void a_site_not_yet_enrolled_on_the_date_is_invalid_on_its_field()
    {
        var decision = LinkRules.Form(Study, LinkId, Form(new DateOnly(2017, 12, 31)), SiteA, SiteB);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(["siteBId"], decision.Rejection!.Errors.Keys);
        Assert.Contains("OTH-1", decision.Rejection.Detail);
    }

    [Fact]
    public void a_site_withdrawn_by_the_date_is_invalid_on_its_field()
    {
        var withdrawn = Given.Site(Id, B, "OTH-1", ProgrammeRole.Other, new DateOnly(2018, 1, 1), new SiteWithdrawn(Id, B, new DateOnly(2019, 1, 1), "Left"));
        Assert.True(LinkRules.Form(Study, LinkId, Form(new DateOnly(2018, 12, 31)), SiteA, withdrawn).Accepted);
        var decision = LinkRules.Form(Study, LinkId, Form(new DateOnly(2019, 1, 1)), SiteA, withdrawn);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal(["siteBId"], decision.Rejection!.Errors.Keys);
        Assert.Equal("Site OTH-1 had withdrawn by 2019-01-01.", decision.Rejection.Detail);
    }
}
