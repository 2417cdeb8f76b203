namespace Fieldwork.Access;

/// <summary>
/// What a caller asks to do inside one evaluation. Every endpoint declares one of these;
/// <see cref="AccessPolicy"/> says which roles may do it.
/// </summary>
public enum Permission
{
    /// <summary>Read the evaluation itself, its waves and members.</summary>
    ReadEvaluation,

    /// <summary>Grant and revoke membership, define waves and set their plans.</summary>
    ManageEvaluation,

    /// <summary>Read sites, pairings, links, exchanges and pseudonymous participants.</summary>
    ReadSites,

    /// <summary>Enrol and change sites, pairings, links, exchanges, participants.</summary>
    WriteSites,

    /// <summary>Read participants' personal details (name, email).</summary>
    ReadPersonalDetails,

    /// <summary>Read evidence, its texts, and coverage (what was done against each wave's plan).</summary>
    ReadEvidence,

    /// <summary>Log evidence, correct it, add text versions.</summary>
    WriteEvidence,

    /// <summary>Read the codebook, codings, memos, agreement and matrices.</summary>
    ReadCoding,

    /// <summary>Change the codebook and apply codings.</summary>
    WriteCoding,

    /// <summary>Write memos.</summary>
    WriteMemos,

    /// <summary>Read findings.</summary>
    ReadFindings,

    /// <summary>Draft, revise and change findings.</summary>
    WriteFindings,

    /// <summary>Read a finding's provenance.</summary>
    ReadProvenance,

    /// <summary>Read the audit log.</summary>
    ReadAudit,

    /// <summary>Withdraw a participant's consent and erase their data.</summary>
    WithdrawConsent,
}
