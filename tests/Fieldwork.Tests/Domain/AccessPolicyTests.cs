using Fieldwork.Access;

namespace Fieldwork.Tests.Domain;

public sealed class AccessPolicyTests
{
    [Fact]
    public void every_permission_is_in_the_table()
    {
        Assert.All(Enum.GetValues<Permission>(), p => Assert.True(AccessPolicy.Table.ContainsKey(p), $"{p} has no row"));
    }

    [Theory]
    [InlineData(Permission.ManageEvaluation, new[] { Role.Lead })]
    [InlineData(Permission.ReadPersonalDetails, new[] { Role.Lead })]
    [InlineData(Permission.WithdrawConsent, new[] { Role.Lead })]
    [InlineData(Permission.WriteSites, new[] { Role.Lead, Role.Fieldworker, Role.Analyst })]
    [InlineData(Permission.WriteCoding, new[] { Role.Lead, Role.Analyst })]
    [InlineData(Permission.WriteMemos, new[] { Role.Lead, Role.Fieldworker, Role.Analyst })]
    [InlineData(Permission.WriteFindings, new[] { Role.Lead, Role.Analyst })]
    [InlineData(Permission.ReadAudit, new[] { Role.Lead, Role.Auditor })]
    [InlineData(Permission.ReadProvenance, new[] { Role.Lead, Role.Analyst, Role.Auditor })]
    [InlineData(Permission.ReadEvidence, new[] { Role.Lead, Role.Fieldworker, Role.Analyst, Role.Auditor })]
    public void the_table_matches_the_api_contract(Permission permission, Role[] allowed)
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            Assert.Equal(allowed.Contains(role), AccessPolicy.Allows(role, permission));
        }
    }

    [Theory]
    [InlineData(Role.Fieldworker, Permission.ManageEvaluation, "Only a lead may do this; your role is fieldworker.")]
    [InlineData(Role.Auditor, Permission.WriteCoding, "Only a lead or an analyst may do this; your role is auditor.")]
    [InlineData(Role.Analyst, Permission.ReadAudit, "Only a lead or an auditor may do this; your role is analyst.")]
    [InlineData(Role.Auditor, Permission.WriteEvidence, "Only a lead, a fieldworker or an analyst may do this; your role is auditor.")]
    [InlineData(Role.Fieldworker, Permission.ReadProvenance, "Only a lead, an analyst or an auditor may do this; your role is fieldworker.")]
    public void a_refusal_names_the_roles_that_may(Role role, Permission permission, string expected)
    {
        Assert.Equal(expected, AccessPolicy.Refusal(role, permission));
    }
}
