using Fieldwork.Coding;

namespace Fieldwork.Api.Coding;

public sealed record CodeAgreementView(Guid CodeId, string Name, double? PercentAgreement, double? CohensKappa, double? KrippendorffAlpha,
    long Units);

/// <summary>Agreement between coders, characters (code points) as units; see docs/api.md for what is compared.</summary>
public sealed record AgreementView(
    string Units,
    long UnitCount,
    IReadOnlyList<string> CoderIds,
    IReadOnlyList<Guid> EvidenceIds,
    double? PercentAgreement,
    double? CohensKappa,
    double? KrippendorffAlpha,
    IReadOnlyList<CodeAgreementView> PerCode);

public sealed record DisagreementView(Guid EvidenceId, Guid CodeId, string CodeName, int TextVersion, int Start, int End,
    IReadOnlyList<string> CodedBy, IReadOnlyList<string> NotCodedBy, string? Quote);

public sealed record MatrixHeader(string Key, string Label);

public sealed record MatrixView(string RowsBy, string ColumnsBy, IReadOnlyList<MatrixHeader> Rows, IReadOnlyList<MatrixHeader> Columns,
    IReadOnlyList<MatrixCell> Cells);
