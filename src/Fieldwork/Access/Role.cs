namespace Fieldwork.Access;

/// <summary>One role per member per evaluation (API.md, "Roles").</summary>
public enum Role
{
    Lead,
    Fieldworker,
    Analyst,
    Auditor,
}
