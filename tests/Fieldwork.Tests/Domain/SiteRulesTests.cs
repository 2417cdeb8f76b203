using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Tests.Domain;

public sealed class SiteRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid SiteId = Guid.NewGuid();
    private static readonly Fieldwork.Evaluations.Evaluation Study = Given.Study(Id);

    private static SiteTimeline Enrolled(params object[] more) =>
        Given.Site(Id, SiteId, "ACU-1", ProgrammeRole.Exemplar, new DateOnly(2017, 1, 1), more);

    private static EnrolSite Enrol(DateOnly on, string? cohort = "2016") =>
        new(null, " acu-1 ", SiteKind.Acute, ProgrammeRole.Exemplar, cohort, "  ", " EPR-A ", CaseDepth.InDepth, on);

    private static ChangeSiteAttributes Change(DateOnly on) => new(on, null, null, null, null, " EPR-B ", null);

    private static WithdrawSite Withdraw(DateOnly on) => new(on, " Left the programme ");

    [Fact]
    public void a_site_enrolled_within_the_evaluation_is_recorded_with_its_code_and_attributes_trimmed_and_blanks_as_null()
    {
        var decision = SiteRules.Enrol(Study, SiteId, Enrol(new DateOnly(2016, 9, 1)));
        var enrolled = Assert.IsType<SiteEnrolled>(Assert.Single(decision.Events));
        Assert.Equal(new SiteEnrolled(Id, SiteId, "acu-1", SiteKind.Acute, ProgrammeRole.Exemplar, "2016", null, "EPR-A", CaseDepth.InDepth,
            new DateOnly(2016, 9, 1)), enrolled);
    }

    [Theory]
    [InlineData("2016-08-31")]
    [InlineData("2021-10-01")]
    public void an_enrolment_outside_the_evaluation_is_invalid_on_enrolled_on(string on)
    {
        var decision = SiteRules.Enrol(Study, SiteId, Enrol(DateOnly.Parse(on, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("enrolledOn", decision.Rejection?.Field);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void an_attribute_change_from_the_enrolment_day_on_records_only_the_attributes_given()
    {
        var decision = SiteRules.ChangeAttributes(Study, Enrolled(), Change(new DateOnly(2017, 1, 1)));
        var changed = Assert.IsType<SiteAttributesChanged>(Assert.Single(decision.Events));
        Assert.Equal(new SiteAttributesChanged(Id, SiteId, new DateOnly(2017, 1, 1), null, null, null, null, "EPR-B", null), changed);
    }

    [Fact]
    public void an_attribute_change_outside_the_evaluation_is_invalid_on_effective_on()
    {
        var decision = SiteRules.ChangeAttributes(Study, Enrolled(), Change(new DateOnly(2021, 10, 1)));
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("effectiveOn", decision.Rejection?.Field);
    }

    [Fact]
    public void an_attribute_change_before_the_enrolment_conflicts()
    {
        var decision = SiteRules.ChangeAttributes(Study, Enrolled(), Change(new DateOnly(2016, 12, 31)));
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
    }

    [Fact]
    public void a_withdrawn_site_takes_changes_dated_before_its_withdrawal_but_none_from_that_day_on()
    {
        var site = Enrolled(new SiteWithdrawn(Id, SiteId, new DateOnly(2019, 6, 1), "Left"));
        Assert.True(SiteRules.ChangeAttributes(Study, site, Change(new DateOnly(2019, 5, 31))).Accepted);
        Assert.Equal(RejectionKind.Conflict, SiteRules.ChangeAttributes(Study, site, Change(new DateOnly(2019, 6, 1))).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, SiteRules.ChangeAttributes(Study, site, Change(new DateOnly(2020, 1, 1))).Rejection?.Kind);
    }

    [Fact]
    public void a_withdrawal_is_recorded_with_its_reason_trimmed()
    {
        var decision = SiteRules.Withdraw(Study, Enrolled(), Withdraw(new DateOnly(2019, 6, 1)));
        var withdrawn = Assert.IsType<SiteWithdrawn>(Assert.Single(decision.Events));
        Assert.Equal(new SiteWithdrawn(Id, SiteId, new DateOnly(2019, 6, 1), "Left the programme"), withdrawn);
    }

    [Fact]
    public void a_withdrawal_outside_the_evaluation_is_invalid_on_effective_on()
    {
        var decision = SiteRules.Withdraw(Study, Enrolled(), Withdraw(new DateOnly(2016, 8, 31)));
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("effectiveOn", decision.Rejection?.Field);
    }

    [Fact]
    public void a_second_withdrawal_conflicts_whatever_its_date()
    {
        var site = Enrolled(new SiteWithdrawn(Id, SiteId, new DateOnly(2019, 6, 1), "Left"));
        Assert.Equal(RejectionKind.Conflict, SiteRules.Withdraw(Study, site, Withdraw(new DateOnly(2019, 6, 1))).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, SiteRules.Withdraw(Study, site, Withdraw(new DateOnly(2020, 1, 1))).Rejection?.Kind);
    }

    [Fact]
    public void a_withdrawal_before_the_enrolment_conflicts()
    {
        var decision = SiteRules.Withdraw(Study, Enrolled(), Withdraw(new DateOnly(2016, 12, 31)));
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
    }

    [Fact]
    public void a_withdrawal_before_a_recorded_attribute_change_conflicts_but_one_on_the_day_of_the_change_is_accepted()
    {
        var site = Enrolled(new SiteAttributesChanged(Id, SiteId, new DateOnly(2019, 6, 1), null, null, null, null, "EPR-B", null));
        var before = SiteRules.Withdraw(Study, site, Withdraw(new DateOnly(2019, 5, 31)));
        Assert.Equal(RejectionKind.Conflict, before.Rejection?.Kind);
        Assert.Contains("2019-06-01", before.Rejection!.Detail);
        Assert.True(SiteRules.Withdraw(Study, site, Withdraw(new DateOnly(2019, 6, 1))).Accepted);
    }
}
