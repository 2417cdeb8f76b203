using Fieldwork.Coding;
using Fieldwork.Coverage;
using Fieldwork.Evidence;
using Fieldwork.Findings;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Sites;
using Fieldwork.Visits;
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
public sealed class ParticipantTimelineProjection() : TimelineProjection<ParticipantTimeline>(
    creates: [typeof(ParticipantRegistered)],
    records: [typeof(ConsentChanged), typeof(ParticipantWithdrew), typeof(ParticipantReconsented)]);

/// <summary>Keeps each evidence item's timeline inline (its logged fields and text metadata, not the texts).</summary>
public sealed class EvidenceTimelineProjection() : TimelineProjection<EvidenceTimeline>(
    creates: [typeof(InterviewLogged), typeof(ObservationLogged), typeof(DocumentCaptured)],
    records:
    [
        typeof(EvidenceCorrected), typeof(TextVersionAdded), typeof(EvidenceVoided), typeof(CodingApplied), typeof(CodingRemoved),
    ]);

/// <summary>Keeps each evidence item's counting facts inline (see <see cref="EvidenceCountTimeline"/>).</summary>
public sealed class EvidenceCountTimelineProjection() : TimelineProjection<EvidenceCountTimeline>(
    creates: [typeof(InterviewLogged), typeof(ObservationLogged), typeof(DocumentCaptured)],
    records: [typeof(EvidenceCorrected), typeof(EvidenceVoided), typeof(CodingApplied), typeof(CodingRemoved)]);

/// <summary>Keeps each evaluation's codebook, with every record, inline.</summary>
public sealed class CodebookProjection() : TimelineProjection<Codebook>(
    creates: [typeof(CodeDefined)],
    records: [typeof(CodeDefined), typeof(CodeRevised), typeof(CodeMerged), typeof(CodeRetired)]);

/// <summary>Keeps each memo, with every text it has had, inline.</summary>
public sealed class MemoTimelineProjection() : TimelineProjection<MemoTimeline>(
    creates: [typeof(MemoWritten)],
    records: [typeof(MemoRevised)]);

/// <summary>Keeps each finding, with every record, inline.</summary>
public sealed class FindingTimelineProjection() : TimelineProjection<FindingTimeline>(
    creates: [typeof(FindingDrafted)],
    records: [typeof(FindingRevised), typeof(FindingEvidenceLinked), typeof(FindingEvidenceUnlinked), typeof(FindingStatusChanged)]);

/// <summary>Keeps each visit inline (its items are the evidence timelines that name it).</summary>
public sealed class VisitTimelineProjection() : TimelineProjection<VisitTimeline>(
    creates: [typeof(VisitLogged)],
    records: []);

/// <summary>Keeps each wave's plans, every version, inline.</summary>
public sealed class WavePlanTimelineProjection() : TimelineProjection<WavePlanTimeline>(
    creates: [typeof(WavePlanSet)],
    records: [typeof(WavePlanSet)]);
