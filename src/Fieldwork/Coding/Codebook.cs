using System.Security.Cryptography;
using System.Text;
using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Coding;

/// <summary>One code as it stood: its definition then, where it sat, and how many times it had changed.</summary>
public sealed record CodeState(
    Guid Id,
    string Name,
    string Definition,
    string? Dimension,
    Guid? ParentId,
    CodeStatus Status,
    Guid? MergedInto,
    int Version,
    DateTimeOffset DefinedAt,
    DateTimeOffset RevisedAt);

/// <summary>One recorded change of the codebook (exactly one of the four), with its log position and record time.</summary>
public sealed record CodebookRecord(
    long Sequence,
    DateTimeOffset RecordedAt,
    CodeDefined? Defined = null,
    CodeRevised? Revised = null,
    CodeMerged? Merged = null,
    CodeRetired? Retired = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public object? Change => (object?)Defined ?? (object?)Revised ?? (object?)Merged ?? Retired;
}

/// <summary>
/// The codebook of one evaluation: one stream, so that every rule across codes (names unique
/// among siblings, no cycles) is decided against one version of it and a concurrent change
/// makes the decision run again. Every record is kept with its log position, so the codebook as
/// it stood at any moment, with each code's definition then, is a replay of a prefix.
/// </summary>
public sealed class Codebook : IEventTimeline
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public List<CodebookRecord> Records { get; set; } = [];

    /// <summary>The codebook stream of an evaluation: a fixed id derived from the evaluation's.</summary>
    public static Guid StreamId(Guid evaluationId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"fieldwork-codebook:{evaluationId}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    public void Record(IEvent e)
    {
        Id = e.StreamId;
        EvaluationId = e.Data switch
        {
            CodeDefined x => x.EvaluationId,
            _ => EvaluationId,
        };
        Records.Add(new CodebookRecord(e.Sequence, e.RecordedAt(), e.Data as CodeDefined, e.Data as CodeRevised, e.Data as CodeMerged,
            e.Data as CodeRetired));
    }

    /// <summary>Every code as it stood after the records at or before <paramref name="knownUpTo"/>.</summary>
    public IReadOnlyDictionary<Guid, CodeState> AsOf(long knownUpTo = long.MaxValue) => Replay(Records.TakeWhile(r => r.Sequence <= knownUpTo));

    /// <summary>Every code as it stood at a cut: changes recorded by the end of the asOf day and known by knownAt.</summary>
    public IReadOnlyDictionary<Guid, CodeState> AsOf(Cut cut) => Replay(Records.Where(r => cut.Saw(r.Sequence, r.RecordedAt)));

    /// <summary>The ids of a code and every code under it, as the tree stands in <paramref name="codes"/>.</summary>
    public static IReadOnlySet<Guid> WithDescendants(IReadOnlyDictionary<Guid, CodeState> codes, Guid codeId)
    {
        var found = new HashSet<Guid> { codeId };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var code in codes.Values)
            {
                if (code.ParentId is { } parent && found.Contains(parent) && found.Add(code.Id))
                {
                    grew = true;
                }
            }
        }

        return found;
    }

    private static Dictionary<Guid, CodeState> Replay(IEnumerable<CodebookRecord> records)
    {
        var codes = new Dictionary<Guid, CodeState>();
        foreach (var record in records)
        {
            switch (record.Change)
            {
                case CodeDefined x:
                    codes[x.CodeId] = new CodeState(x.CodeId, x.Name, x.Definition, x.Dimension, x.ParentId, CodeStatus.Active, null, 1,
                        record.RecordedAt, record.RecordedAt);
                    break;
                case CodeRevised x when codes.TryGetValue(x.CodeId, out var code):
                    codes[x.CodeId] = code with
                    {
                        Name = x.Name ?? code.Name,
                        Definition = x.Definition ?? code.Definition,
                        ParentId = x.ParentId ?? code.ParentId,
                        Version = code.Version + 1,
                        RevisedAt = record.RecordedAt,
                    };
                    break;
                case CodeMerged x when codes.TryGetValue(x.CodeId, out var code):
                    codes[x.CodeId] = code with { Status = CodeStatus.Merged, MergedInto = x.IntoCodeId, Version = code.Version + 1, RevisedAt = record.RecordedAt };
                    foreach (var child in codes.Values.Where(c => c.ParentId == x.CodeId && c.Status == CodeStatus.Active).ToList())
                    {
                        codes[child.Id] = child with { ParentId = x.IntoCodeId };
                    }

                    break;
                case CodeRetired x when codes.TryGetValue(x.CodeId, out var code):
                    codes[x.CodeId] = code with { Status = CodeStatus.Retired, Version = code.Version + 1, RevisedAt = record.RecordedAt };
                    break;
            }
        }

        return codes;
    }

    /// <summary>Where a code's codings count: itself, or the code it was (transitively) merged into.</summary>
    public static Guid Resolve(IReadOnlyDictionary<Guid, CodeState> codes, Guid codeId)
    {
        var seen = new HashSet<Guid>();
        while (codes.TryGetValue(codeId, out var code) && code.MergedInto is { } into && seen.Add(codeId))
        {
            codeId = into;
        }

        return codeId;
    }
}
