using Fieldwork.Coding;

namespace Fieldwork.Api.Coding;

public sealed record CodeView(
    Guid Id,
    string Name,
    string Definition,
    string? Dimension,
    Guid? ParentId,
    CodeStatus Status,
    Guid? MergedInto,
    int Version,
    DateTimeOffset DefinedAt,
    DateTimeOffset RevisedAt,
    IReadOnlyList<CodeView> Children)
{
    public static CodeView From(CodeState c, IReadOnlyList<CodeView> children) =>
        new(c.Id, c.Name, c.Definition, c.Dimension, c.ParentId, c.Status, c.MergedInto, c.Version, c.DefinedAt, c.RevisedAt, children);
}

public sealed record CodebookView(IReadOnlyList<CodeView> Codes);
