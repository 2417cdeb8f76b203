using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Findings;

// Request bodies (all nullable) and, from Valid() once their validator has passed them, the commands
// the rules take: required values present, text trimmed, blanks as none, a missing list as an empty
// one (see EvaluationCommands.cs). Lists keep their order and repeats: a refusal names an id by its index.

public sealed record DraftFinding(Guid? Id, [property: LongText] string? Statement, List<Guid>? SiteIds, List<Guid>? PairingIds, List<Guid>? WaveIds)
{
    public NewFinding Valid() => new(Statement!.Trim(), SiteIds ?? [], PairingIds ?? [], WaveIds ?? []);

    public static implicit operator NewFinding(DraftFinding request) => request.Valid();
}

/// <summary>A finding to draft, with its scope, as its validator passed it.</summary>
public sealed record NewFinding(string Statement, IReadOnlyList<Guid> SiteIds, IReadOnlyList<Guid> PairingIds, IReadOnlyList<Guid> WaveIds);

public sealed record ReviseFinding(int? ExpectedVersion, [property: LongText] string? Statement)
{
    public FindingRevision Valid() => new(ExpectedVersion!.Value, Statement!.Trim());

    public static implicit operator FindingRevision(ReviseFinding request) => request.Valid();
}

/// <summary>A finding's new statement, at the version last read, as its validator passed it.</summary>
public sealed record FindingRevision(int ExpectedVersion, string Statement);

public sealed record LinkFindingEvidence(int? ExpectedVersion, Stance? Stance, List<Guid>? CodingIds, List<Guid>? MemoIds)
{
    public FindingEvidenceLink Valid() => new(ExpectedVersion!.Value, Stance!.Value, CodingIds ?? [], MemoIds ?? []);

    public static implicit operator FindingEvidenceLink(LinkFindingEvidence request) => request.Valid();
}

/// <summary>Codings and memos to link with a stance, at the version last read, as its validator passed it.</summary>
public sealed record FindingEvidenceLink(int ExpectedVersion, Stance Stance, IReadOnlyList<Guid> CodingIds, IReadOnlyList<Guid> MemoIds);

public sealed record ChangeFindingStatus(int? ExpectedVersion, FindingStatus? Status, [property: LongText] string? Note)
{
    public FindingStatusChange Valid() => new(ExpectedVersion!.Value, Status!.Value, Input.Clean(Note));

    public static implicit operator FindingStatusChange(ChangeFindingStatus request) => request.Valid();
}

/// <summary>A finding's next status with a note or none, at the version last read, as its validator passed it.</summary>
public sealed record FindingStatusChange(int ExpectedVersion, FindingStatus Status, string? Note);

public sealed class DraftFindingValidator : AbstractValidator<DraftFinding>
{
    public DraftFindingValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.Statement).NotEmpty().MaximumLength(FindingRules.MaxStatement);
        RuleForEach(x => x.SiteIds).NotEqual(Guid.Empty);
        RuleForEach(x => x.PairingIds).NotEqual(Guid.Empty);
        RuleForEach(x => x.WaveIds).NotEqual(Guid.Empty);
        // A finding's scope is a handful of sites, pairings and waves; a list far longer is not one.
        RuleFor(x => x.SiteIds).Must(Short).WithMessage($"At most {MaxScopeIds} ids.");
        RuleFor(x => x.PairingIds).Must(Short).WithMessage($"At most {MaxScopeIds} ids.");
        RuleFor(x => x.WaveIds).Must(Short).WithMessage($"At most {MaxScopeIds} ids.");
    }

    public const int MaxScopeIds = 200;

    private static bool Short(List<Guid>? ids) => ids is null || ids.Count <= MaxScopeIds;
}

public sealed class ReviseFindingValidator : AbstractValidator<ReviseFinding>
{
    public ReviseFindingValidator()
    {
        RuleFor(x => x.ExpectedVersion).NotNull().GreaterThanOrEqualTo(1);
        RuleFor(x => x.Statement).NotEmpty().MaximumLength(FindingRules.MaxStatement);
    }
}

public sealed class LinkFindingEvidenceValidator : AbstractValidator<LinkFindingEvidence>
{
    public LinkFindingEvidenceValidator()
    {
        RuleFor(x => x.ExpectedVersion).NotNull().GreaterThanOrEqualTo(1);
        RuleFor(x => x.Stance).NotNull().IsInEnum();
        RuleFor(x => x).Must(x => (x.CodingIds?.Count ?? 0) + (x.MemoIds?.Count ?? 0) > 0)
            .OverridePropertyName("codingIds").WithMessage("Give at least one coding or memo to link.");
        RuleFor(x => x).Must(x => (x.CodingIds?.Count ?? 0) + (x.MemoIds?.Count ?? 0) <= 1000)
            .OverridePropertyName("codingIds").WithMessage("Link at most 1,000 items at once.");
        RuleForEach(x => x.CodingIds).NotEqual(Guid.Empty);
        RuleForEach(x => x.MemoIds).NotEqual(Guid.Empty);
    }
}

public sealed class ChangeFindingStatusValidator : AbstractValidator<ChangeFindingStatus>
{
    public ChangeFindingStatusValidator()
    {
        RuleFor(x => x.ExpectedVersion).NotNull().GreaterThanOrEqualTo(1);
        RuleFor(x => x.Status).NotNull().IsInEnum();
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}
