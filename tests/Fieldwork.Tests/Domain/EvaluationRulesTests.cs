using Fieldwork.Access;
using Fieldwork.Evaluations;
using Fieldwork.Rules;

namespace Fieldwork.Tests.Domain;

public sealed class EvaluationRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();

    private static Evaluation Study(params object[] events)
    {
        var evaluation = Evaluation.Create(new EvaluationCreated(Id, "GDE", new(2016, 9, 1), new(2021, 9, 30), null, "lead"));
        foreach (var e in events)
        {
            switch (e)
            {
                case WaveDefined w: evaluation.Apply(w); break;
                case MemberRoleGranted g: evaluation.Apply(g); break;
                case MemberRemoved r: evaluation.Apply(r); break;
            }
        }

        return evaluation;
    }

    [Fact]
    public void a_wave_that_fits_is_defined()
    {
        var waveId = Guid.NewGuid();
        var decision = EvaluationRules.DefineWave(Study(), waveId, new DefineWave(null, " Wave 1 ", new(2018, 1, 1), new(2018, 12, 31)));
        var defined = Assert.IsType<WaveDefined>(Assert.Single(decision.Events));
        Assert.Equal(new WaveDefined(Id, waveId, "Wave 1", new(2018, 1, 1), new(2018, 12, 31)), defined);
    }

    [Theory]
    [InlineData("2018-12-31", "2019-06-30")] // shares the last day
    [InlineData("2017-06-01", "2018-01-01")] // shares the first day
    [InlineData("2018-03-01", "2018-04-01")] // inside
    [InlineData("2017-01-01", "2019-12-31")] // around
    public void overlapping_waves_conflict(string start, string end)
    {
        var study = Study(new WaveDefined(Id, Guid.NewGuid(), "Wave 1", new(2018, 1, 1), new(2018, 12, 31)));
        var decision = EvaluationRules.DefineWave(study, Guid.NewGuid(), new DefineWave(null, "W", DateOnly.Parse(start), DateOnly.Parse(end)));
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
    }

    [Fact]
    public void adjacent_waves_do_not_overlap()
    {
        var study = Study(new WaveDefined(Id, Guid.NewGuid(), "Wave 1", new(2018, 1, 1), new(2018, 12, 31)));
        Assert.True(EvaluationRules.DefineWave(study, Guid.NewGuid(), new DefineWave(null, "W2", new(2019, 1, 1), new(2019, 12, 31))).Accepted);
    }

    [Fact]
    public void a_wave_outside_the_evaluation_is_invalid()
    {
        var decision = EvaluationRules.DefineWave(Study(), Guid.NewGuid(), new DefineWave(null, "W", new(2016, 8, 31), new(2017, 1, 1)));
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Equal("startsOn", decision.Rejection?.Field);
    }

    [Fact]
    public void the_last_lead_cannot_be_demoted_or_removed_but_one_of_two_can()
    {
        Assert.Equal(RejectionKind.Conflict, EvaluationRules.Grant(Study(), new GrantMembership("lead", Role.Analyst)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, EvaluationRules.Remove(Study(), "lead").Rejection?.Kind);

        var twoLeads = Study(new MemberRoleGranted(Id, "second", Role.Lead));
        Assert.True(EvaluationRules.Remove(twoLeads, "lead").Accepted);
        Assert.True(EvaluationRules.Grant(twoLeads, new GrantMembership("lead", Role.Auditor)).Accepted);
    }

    [Fact]
    public void granting_the_role_a_member_already_has_records_nothing()
    {
        var study = Study(new MemberRoleGranted(Id, "ana", Role.Analyst));
        var decision = EvaluationRules.Grant(study, new GrantMembership("ana", Role.Analyst));
        Assert.True(decision.Accepted);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void removing_a_stranger_is_not_found()
    {
        Assert.Equal(RejectionKind.NotFound, EvaluationRules.Remove(Study(), "nobody").Rejection?.Kind);
    }

    [Fact]
    public void a_removed_member_has_no_role()
    {
        var study = Study(new MemberRoleGranted(Id, "ana", Role.Analyst), new MemberRemoved(Id, "ana"));
        Assert.Null(study.RoleOf("ana"));
    }
}
