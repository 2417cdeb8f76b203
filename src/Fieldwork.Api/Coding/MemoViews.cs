using Fieldwork.Coding;

namespace Fieldwork.Api.Coding;

public sealed record MemoView(Guid Id, MemoAbout AboutKind, Guid AboutId, string Text, string AuthorId, int Version, DateTimeOffset WrittenAt,
    DateTimeOffset RevisedAt, string? RevisedBy)
{
    public static MemoView From(MemoState m) => new(m.Id, m.AboutKind, m.AboutId, m.Text, m.AuthorId, m.Version, m.WrittenAt, m.RevisedAt, m.RevisedBy);
}
