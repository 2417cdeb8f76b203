using System.Security.Cryptography;
using System.Text;
using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Coverage;

/// <summary>One version of a wave's plan: its targets, and who set it when, with its log position.</summary>
public sealed record PlanRecord(long Sequence, DateTimeOffset SetAt, string? SetBy, IReadOnlyList<SiteTargets> Sites);

/// <summary>A wave's plan as known at a cut: <see cref="Version"/> 0 (no site planned) before the first was set.</summary>
public sealed record WavePlan(Guid WaveId, int Version, IReadOnlyList<SiteTargets> Sites, DateTimeOffset? SetAt, string? SetBy)
{
    public SiteTargets? For(Guid siteId) => Sites.FirstOrDefault(s => s.SiteId == siteId);
}

/// <summary>
/// Every plan a wave has had, in one stream of its own (a fixed id derived from the evaluation's
/// and the wave's), each with its log position: the plan as known at any instant is the last one
/// recorded by then. A plan has no field date: it is what the lead asked for, and replaces the
/// one before it from the moment it is recorded.
/// </summary>
public sealed class WavePlanTimeline : IEventTimeline
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public Guid WaveId { get; set; }

    public List<PlanRecord> Records { get; set; } = [];

    /// <summary>The plan stream of a wave: a fixed id derived from the evaluation's and the wave's.</summary>
    public static Guid StreamId(Guid evaluationId, Guid waveId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"fieldwork-wave-plan:{evaluationId}:{waveId}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    public void Record(IEvent e)
    {
        if (e.Data is WavePlanSet x)
        {
            Id = e.StreamId;
            EvaluationId = x.EvaluationId;
            WaveId = x.WaveId;
            Records.Add(new PlanRecord(e.Sequence, e.RecordedAt(), e.UserName, x.Sites));
        }
    }

    /// <summary>The plan as it stood after the records at or before <paramref name="knownUpTo"/>.</summary>
    public WavePlan KnownAt(long knownUpTo = long.MaxValue)
    {
        var known = Records.Count(r => r.Sequence <= knownUpTo);
        if (known == 0)
        {
            return Unplanned(WaveId);
        }

        var record = Records[known - 1];
        return new WavePlan(WaveId, known, record.Sites, record.SetAt, record.SetBy);
    }

    /// <summary>A wave no plan was set for (yet).</summary>
    public static WavePlan Unplanned(Guid waveId) => new(waveId, 0, [], null, null);
}
