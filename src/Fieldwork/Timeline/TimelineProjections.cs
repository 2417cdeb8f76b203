using Fieldwork.Pairings;
using Fieldwork.Sites;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Fieldwork.Timeline;

/// <summary>
/// The one shape of an inline timeline projection: its document, the events that create it and
/// the events it records, each folded by the document's own <see cref="IEventTimeline.Record"/>
/// (the code the bulk path and the reference fold run too). It dispatches as Marten's generated
/// dispatch of conventional Create/Apply methods did: a stream's first event starts its timeline
/// whether it creates or records; on a timeline that exists only the events it records are
/// recorded; any other event leaves it as it was. The events are Marten's allow-list for the
/// projection (<c>IncludeType</c>), so inline appends and rebuilds take exactly these, as before.
/// </summary>
public abstract class TimelineProjection<TDoc> : SingleStreamProjection<TDoc, Guid> where TDoc : class, IEventTimeline, new()
{
    private readonly HashSet<Type> _starts;
    private readonly HashSet<Type> _records;

    protected TimelineProjection(Type[] creates, Type[] records)
    {
        _starts = [.. creates, .. records];
        _records = [.. records];
        foreach (var type in _starts)
        {
            IncludeType(type);
        }
    }

    public sealed override TDoc? Evolve(TDoc? snapshot, Guid id, IEvent e)
    {
        // The events listed are sealed records, so an event is taken by its exact type.
        var type = e.Data.GetType();
        if (snapshot is null)
        {
            return _starts.Contains(type) ? Timelines.Fold<TDoc>([e]) : null;
        }

        if (_records.Contains(type))
        {
            snapshot.Record(e);
        }

        return snapshot;
    }
}

/// <summary>Keeps each site's timeline inline, so a request reads its own write.</summary>
public sealed class SiteTimelineProjection() : TimelineProjection<SiteTimeline>(
    creates: [typeof(SiteEnrolled)],
    records: [typeof(SiteAttributesChanged), typeof(SiteWithdrawn)]);

/// <summary>Keeps each pairing's timeline inline.</summary>
public sealed class PairingTimelineProjection() : TimelineProjection<PairingTimeline>(
    creates: [typeof(PairingProposed)],
    records:
    [
        typeof(PairingEstablished), typeof(AlignmentAssessed), typeof(KnowledgeExchangeObserved), typeof(PairingDissolved),
        typeof(PairingDatesCorrected),
    ]);

/// <summary>Keeps each participant's timeline inline.</summary>
public sealed class ParticipantTimelineProjection() : TimelineProjection<Participants.ParticipantTimeline>(
    creates: [typeof(Participants.ParticipantRegistered)],
    records: [typeof(Participants.ConsentChanged), typeof(Participants.ParticipantWithdrew), typeof(Participants.ParticipantReconsented)]);

/// <summary>Keeps each evidence item's timeline inline (its logged fields and text metadata, not the texts).</summary>
public sealed class EvidenceTimelineProjection() : TimelineProjection<Evidence.EvidenceTimeline>(
    creates: [typeof(Evidence.InterviewLogged), typeof(Evidence.ObservationLogged), typeof(Evidence.DocumentCaptured)],
    records:
    [
        typeof(Evidence.EvidenceCorrected), typeof(Evidence.TextVersionAdded), typeof(Evidence.EvidenceVoided), typeof(Coding.CodingApplied),
        typeof(Coding.CodingRemoved),
    ]);

/// <summary>Keeps each evidence item's counting facts inline (see <see cref="Evidence.EvidenceCountTimeline"/>).</summary>
public sealed class EvidenceCountTimelineProjection() : TimelineProjection<Evidence.EvidenceCountTimeline>(
    creates: [typeof(Evidence.InterviewLogged), typeof(Evidence.ObservationLogged), typeof(Evidence.DocumentCaptured)],
    records: [typeof(Evidence.EvidenceCorrected), typeof(Evidence.EvidenceVoided), typeof(Coding.CodingApplied), typeof(Coding.CodingRemoved)]);

/// <summary>Keeps each evaluation's codebook, with every record, inline.</summary>
public sealed class CodebookProjection() : TimelineProjection<Coding.Codebook>(
    creates: [typeof(Coding.CodeDefined)],
    records: [typeof(Coding.CodeDefined), typeof(Coding.CodeRevised), typeof(Coding.CodeMerged), typeof(Coding.CodeRetired)]);

/// <summary>Keeps each memo, with every text it has had, inline.</summary>
public sealed class MemoTimelineProjection() : TimelineProjection<Coding.MemoTimeline>(
    creates: [typeof(Coding.MemoWritten)],
    records: [typeof(Coding.MemoRevised)]);

/// <summary>Keeps each finding, with every record, inline.</summary>
public sealed class FindingTimelineProjection() : TimelineProjection<Findings.FindingTimeline>(
    creates: [typeof(Findings.FindingDrafted)],
    records:
    [
        typeof(Findings.FindingRevised), typeof(Findings.FindingEvidenceLinked), typeof(Findings.FindingEvidenceUnlinked),
        typeof(Findings.FindingStatusChanged),
    ]);

/// <summary>Keeps each visit inline (its items are the evidence timelines that name it).</summary>
public sealed class VisitTimelineProjection() : TimelineProjection<Visits.VisitTimeline>(
    creates: [typeof(Visits.VisitLogged)],
    records: []);

/// <summary>Keeps each wave's plans, every version, inline.</summary>
public sealed class WavePlanTimelineProjection() : TimelineProjection<Coverage.WavePlanTimeline>(
    creates: [typeof(Coverage.WavePlanSet)],
    records: [typeof(Coverage.WavePlanSet)]);
