namespace Fieldwork.Access;

/// <summary>
/// The role table of API.md, written once. Endpoints declare a <see cref="Permission"/>;
/// this table alone decides which roles hold it.
/// </summary>
public static class AccessPolicy
{
    private static readonly Role[] Everyone = [Role.Lead, Role.Fieldworker, Role.Analyst, Role.Auditor];
    private static readonly Role[] Contributors = [Role.Lead, Role.Fieldworker, Role.Analyst];

    public static IReadOnlyDictionary<Permission, Role[]> Table { get; } = new Dictionary<Permission, Role[]>
    {
        [Permission.ReadEvaluation] = Everyone,
        [Permission.ManageEvaluation] = [Role.Lead],
        [Permission.ReadSites] = Everyone,
        [Permission.WriteSites] = Contributors,
        [Permission.ReadPersonalDetails] = [Role.Lead],
        [Permission.ReadEvidence] = Everyone,
        [Permission.WriteEvidence] = Contributors,
        [Permission.ReadCoding] = Everyone,
        [Permission.WriteCoding] = [Role.Lead, Role.Analyst],
        [Permission.WriteMemos] = Contributors,
        [Permission.ReadFindings] = Everyone,
        [Permission.WriteFindings] = [Role.Lead, Role.Analyst],
        [Permission.ReadProvenance] = [Role.Lead, Role.Analyst, Role.Auditor],
        [Permission.ReadAudit] = [Role.Lead, Role.Auditor],
        [Permission.WithdrawConsent] = [Role.Lead],
    };

    public static bool Allows(Role role, Permission permission) =>
        Table.TryGetValue(permission, out var roles) && roles.Contains(role);

    /// <summary>
    /// Why <paramref name="role"/> may not do <paramref name="permission"/>, naming the roles that
    /// may: "Only a lead or an analyst may do this; your role is fieldworker."
    /// </summary>
    public static string Refusal(Role role, Permission permission) =>
        Table.TryGetValue(permission, out var roles) && roles.Length > 0
            ? $"Only {Listed(roles)} may do this; your role is {Name(role)}."
            : $"No role may do this; your role is {Name(role)}.";

    /// <summary>A role as the API writes it: "lead", "fieldworker".</summary>
    public static string Name(Role role) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(role.ToString());

    private static string Listed(Role[] roles) =>
        roles.Length == 1 ? WithArticle(roles[0]) : $"{string.Join(", ", roles[..^1].Select(WithArticle))} or {WithArticle(roles[^1])}";

    private static string WithArticle(Role role) => Name(role) is var name && "aeiou".Contains(name[0]) ? $"an {name}" : $"a {name}";
}
