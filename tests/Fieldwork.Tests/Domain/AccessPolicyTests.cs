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
}
