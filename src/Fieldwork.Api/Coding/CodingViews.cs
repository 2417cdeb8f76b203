using Fieldwork.Coding;
using Fieldwork.Evidence;

namespace Fieldwork.Api.Coding;

/// <summary>
/// One coded segment: the span, its quote (null with <c>quoteErased</c> once the text's key is
/// destroyed), the code it counts toward at the cut (<c>codeId</c>) and the code it was applied
/// with (<c>appliedCodeId</c>, different after a merge), the coder and the evidence it sits in.
/// </summary>
public sealed record CodingView(
    Guid Id,
    Guid EvidenceId,
    Guid CodeId,
    string CodeName,
    Guid AppliedCodeId,
    int TextVersion,
    int Start,
    int End,
    string? Quote,
    bool QuoteErased,
    string? Note,
    string CoderId,
    DateTimeOffset CodedAt,
    EvidenceKind EvidenceKind,
    DateOnly EvidenceOn,
    Guid? WaveId,
    IReadOnlyList<Guid> SiteIds,
    Guid? PairingId)
{
    public static CodingView From(CodedSegment s, CodingSnapshot snapshot, Quotes quotes)
    {
        var c = s.Coding;
        var quote = quotes.Of(s.EvidenceId, c.TextVersion, c.Start, c.End);
        var d = s.Evidence.Details;
        return new CodingView(c.Id, s.EvidenceId, s.CodeId, snapshot.CodeName(s.CodeId), c.CodeId, c.TextVersion, c.Start, c.End, quote,
            quote is null, c.Note, c.CoderId, c.AppliedAt, d.Kind, d.On, d.WaveId, d.SiteIds, d.PairingId);
    }
}
