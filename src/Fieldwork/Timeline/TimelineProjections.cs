using Fieldwork.Pairings;
using Fieldwork.Sites;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Fieldwork.Timeline;

/// <summary>Keeps each site's timeline inline, so a request reads its own write.</summary>
public partial class SiteTimelineProjection : SingleStreamProjection<SiteTimeline, Guid>
{
    public SiteTimeline Create(IEvent<SiteEnrolled> e) => Timelines.Fold<SiteTimeline>([e]);

    public void Apply(IEvent<SiteAttributesChanged> e, SiteTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<SiteWithdrawn> e, SiteTimeline timeline) => timeline.Record(e);
}

/// <summary>Keeps each pairing's timeline inline.</summary>
public partial class PairingTimelineProjection : SingleStreamProjection<PairingTimeline, Guid>
{
    public PairingTimeline Create(IEvent<PairingProposed> e) => Timelines.Fold<PairingTimeline>([e]);

    public void Apply(IEvent<PairingEstablished> e, PairingTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<AlignmentAssessed> e, PairingTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<KnowledgeExchangeObserved> e, PairingTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<PairingDissolved> e, PairingTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<PairingDatesCorrected> e, PairingTimeline timeline) => timeline.Record(e);
}

/// <summary>Keeps each participant's timeline inline.</summary>
public partial class ParticipantTimelineProjection : SingleStreamProjection<Participants.ParticipantTimeline, Guid>
{
    public Participants.ParticipantTimeline Create(IEvent<Participants.ParticipantRegistered> e) => Timelines.Fold<Participants.ParticipantTimeline>([e]);

    public void Apply(IEvent<Participants.ConsentChanged> e, Participants.ParticipantTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Participants.ParticipantWithdrew> e, Participants.ParticipantTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Participants.ParticipantReconsented> e, Participants.ParticipantTimeline timeline) => timeline.Record(e);
}

/// <summary>Keeps each evidence item's timeline inline (its logged fields and text metadata, not the texts).</summary>
public partial class EvidenceTimelineProjection : SingleStreamProjection<Evidence.EvidenceTimeline, Guid>
{
    public Evidence.EvidenceTimeline Create(IEvent<Evidence.InterviewLogged> e) => Timelines.Fold<Evidence.EvidenceTimeline>([e]);

    public Evidence.EvidenceTimeline Create(IEvent<Evidence.ObservationLogged> e) => Timelines.Fold<Evidence.EvidenceTimeline>([e]);

    public Evidence.EvidenceTimeline Create(IEvent<Evidence.DocumentCaptured> e) => Timelines.Fold<Evidence.EvidenceTimeline>([e]);

    public void Apply(IEvent<Evidence.EvidenceCorrected> e, Evidence.EvidenceTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Evidence.TextVersionAdded> e, Evidence.EvidenceTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Evidence.EvidenceVoided> e, Evidence.EvidenceTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Coding.CodingApplied> e, Evidence.EvidenceTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Coding.CodingRemoved> e, Evidence.EvidenceTimeline timeline) => timeline.Record(e);
}

/// <summary>Keeps each evidence item's counting facts inline (see <see cref="Evidence.EvidenceCountTimeline"/>).</summary>
public partial class EvidenceCountTimelineProjection : SingleStreamProjection<Evidence.EvidenceCountTimeline, Guid>
{
    public Evidence.EvidenceCountTimeline Create(IEvent<Evidence.InterviewLogged> e) => Timelines.Fold<Evidence.EvidenceCountTimeline>([e]);

    public Evidence.EvidenceCountTimeline Create(IEvent<Evidence.ObservationLogged> e) => Timelines.Fold<Evidence.EvidenceCountTimeline>([e]);

    public Evidence.EvidenceCountTimeline Create(IEvent<Evidence.DocumentCaptured> e) => Timelines.Fold<Evidence.EvidenceCountTimeline>([e]);

    public void Apply(IEvent<Evidence.EvidenceCorrected> e, Evidence.EvidenceCountTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Evidence.EvidenceVoided> e, Evidence.EvidenceCountTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Coding.CodingApplied> e, Evidence.EvidenceCountTimeline timeline) => timeline.Record(e);

    public void Apply(IEvent<Coding.CodingRemoved> e, Evidence.EvidenceCountTimeline timeline) => timeline.Record(e);
}

/// <summary>Keeps each evaluation's codebook, with every record, inline.</summary>
public partial class CodebookProjection : SingleStreamProjection<Coding.Codebook, Guid>
{
    public Coding.Codebook Create(IEvent<Coding.CodeDefined> e) => Timelines.Fold<Coding.Codebook>([e]);

    public void Apply(IEvent<Coding.CodeDefined> e, Coding.Codebook codebook) => codebook.Record(e);

    public void Apply(IEvent<Coding.CodeRevised> e, Coding.Codebook codebook) => codebook.Record(e);

    public void Apply(IEvent<Coding.CodeMerged> e, Coding.Codebook codebook) => codebook.Record(e);

    public void Apply(IEvent<Coding.CodeRetired> e, Coding.Codebook codebook) => codebook.Record(e);
}

/// <summary>Keeps each memo, with every text it has had, inline.</summary>
public partial class MemoTimelineProjection : SingleStreamProjection<Coding.MemoTimeline, Guid>
{
    public Coding.MemoTimeline Create(IEvent<Coding.MemoWritten> e) => Timelines.Fold<Coding.MemoTimeline>([e]);

    public void Apply(IEvent<Coding.MemoRevised> e, Coding.MemoTimeline memo) => memo.Record(e);
}

/// <summary>Keeps each finding, with every record, inline.</summary>
public partial class FindingTimelineProjection : SingleStreamProjection<Findings.FindingTimeline, Guid>
{
    public Findings.FindingTimeline Create(IEvent<Findings.FindingDrafted> e) => Timelines.Fold<Findings.FindingTimeline>([e]);

    public void Apply(IEvent<Findings.FindingRevised> e, Findings.FindingTimeline finding) => finding.Record(e);

    public void Apply(IEvent<Findings.FindingEvidenceLinked> e, Findings.FindingTimeline finding) => finding.Record(e);

    public void Apply(IEvent<Findings.FindingEvidenceUnlinked> e, Findings.FindingTimeline finding) => finding.Record(e);

    public void Apply(IEvent<Findings.FindingStatusChanged> e, Findings.FindingTimeline finding) => finding.Record(e);
}

/// <summary>Keeps each visit inline (its items are the evidence timelines that name it).</summary>
public partial class VisitTimelineProjection : SingleStreamProjection<Visits.VisitTimeline, Guid>
{
    public Visits.VisitTimeline Create(IEvent<Visits.VisitLogged> e) => Timelines.Fold<Visits.VisitTimeline>([e]);
}
