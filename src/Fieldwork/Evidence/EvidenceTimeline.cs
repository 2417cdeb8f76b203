using Fieldwork.Coding;
using Fieldwork.Timeline;
using System.Text.Json.Serialization;
using JasperFx.Events;

namespace Fieldwork.Evidence;

/// <summary>The logged fields of an evidence item, as they stood after one record (a logging or a correction).</summary>
public sealed record EvidenceDetails(
    EvidenceKind Kind,
    DateOnly On,
    Guid? WaveId,
    IReadOnlyList<Guid> SiteIds,
    Guid? PairingId,
    IReadOnlyList<Guid> ParticipantIds,
    InterviewFormat? Format = null,
    InterviewMode? Mode = null,
    ObservationSetting? Setting = null,
    int? DurationMinutes = null,
    DateOnly? IssuedOn = null,
    string? Title = null,
    string? Issuer = null,
    string? DocumentType = null,
    string? SourceRef = null)
{
    public EvidenceDetails Correct(EvidenceCorrected c) => this with
    {
        On = c.OccurredOn ?? On,
        WaveId = c.WaveId ?? WaveId,
        SiteIds = c.SiteIds ?? SiteIds,
        PairingId = c.PairingId ?? PairingId,
        ParticipantIds = c.ParticipantIds ?? ParticipantIds,
        Format = c.Format ?? Format,
        Mode = c.Mode ?? Mode,
        Setting = c.Setting ?? Setting,
        DurationMinutes = c.DurationMinutes ?? DurationMinutes,
        IssuedOn = c.IssuedOn ?? IssuedOn,
        Title = c.Title ?? Title,
        Issuer = c.Issuer ?? Issuer,
        DocumentType = c.DocumentType ?? DocumentType,
        SourceRef = c.SourceRef ?? SourceRef,
    };
}

public sealed record DetailsRecord(long Sequence, EvidenceDetails Details);

/// <summary>What is known of one text version (the text itself stays in its event).</summary>
public sealed record TextMeta(int Version, long Sequence, int Length, string? Sha256, string? HmacSha256 = null);

/// <summary>That an item was voided: why, by whom, when.</summary>
public sealed record VoidRecord(string Reason, string? VoidedBy, DateTimeOffset VoidedAt);

/// <summary>An evidence item at a cut of the two timelines (<see cref="Void"/> set only when read with voided items).</summary>
public sealed record EvidenceState(
    Guid Id,
    EvidenceDetails Details,
    IReadOnlyList<TextMeta> Texts,
    int Version,
    string? LoggedBy,
    DateTimeOffset LoggedAt,
    IReadOnlyList<CodingRecord> Codings,
    VoidRecord? Void = null,
    Guid? VisitId = null,
    DateTimeOffset? ClientLoggedAt = null)
{
    /// <summary>The latest text version at the cut, if any.</summary>
    public TextMeta? LatestText => Texts.Count == 0 ? null : Texts[^1];
}

/// <summary>
/// Everything recorded about one evidence item: each record of its logged fields (the logging,
/// then every correction, merged) and each text version, tagged with log positions. Read at a
/// cut like the other timelines: the latest record known by knownAt, present once its field
/// date is on or before asOf.
/// </summary>
public sealed class EvidenceTimeline : IEventTimeline
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public EvidenceKind Kind { get; set; }

    public List<DetailsRecord> Records { get; set; } = [];

    public List<TextMeta> Texts { get; set; } = [];

    public List<long> Sequences { get; set; } = [];

    /// <summary>Every coding ever applied, removed ones included (with when they were removed).</summary>
    [JsonIgnore]
    public List<CodingRecord> Codings { get; private set; } = [];

    /// <summary>The codings as stored: packed (<see cref="CodingPack"/>), most of the document otherwise.</summary>
    public string PackedCodings
    {
        get => CodingPack.Pack(Codings);
        set => Codings = CodingPack.Unpack(value);
    }

    /// <summary>
    /// What the matrix and a page of codings read of the codings (<see cref="CodingTally"/>): stored
    /// in a column of its own beside the document (see FieldworkStore), made from the codings above
    /// on every write and never read back into the document.
    /// </summary>
    [JsonIgnore]
    public string PackedTally => CodingTally.Pack(Codings);

    /// <summary>
    /// Called by Marten as it maps the document: the tally in a column of its own, not in the JSON,
    /// so that reads of the tally (the matrix, a page of codings) take it without reading the whole
    /// document and reads of the document do not carry it. No index: nothing is looked up by it.
    /// (Marten's <c>Duplicate</c> expression always adds one, and a tally outgrows a b-tree entry.)
    /// </summary>
    public static void ConfigureMarten(Marten.Schema.DocumentMapping mapping) => mapping.DuplicateField(nameof(PackedTally), "text");

    /// <summary>Codings as documents written before they were packed hold them: read, never written.</summary>
    [JsonPropertyName("codings")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<CodingRecord>? UnpackedCodings
    {
        get => null;
        set => Codings = value ?? [];
    }

    public string? LoggedBy { get; set; }

    /// <summary>When the item was recorded (the server's clock: the knownAt clock).</summary>
    public DateTimeOffset LoggedAt { get; set; }

    /// <summary>When the fieldworker wrote it down, if their device said so (a visit synced later).</summary>
    public DateTimeOffset? ClientLoggedAt { get; set; }

    /// <summary>The visit it was logged within, if any.</summary>
    public Guid? VisitId { get; set; }

    /// <summary>The log position of the void, if the item was voided (the first void counts).</summary>
    public long? VoidedSequence { get; set; }

    public VoidRecord? Void { get; set; }

    [JsonIgnore]
    public EvidenceDetails Current => Records[^1].Details;

    /// <summary>The details an item's first event logs, with its evaluation; null for any other event.</summary>
    public static (EvidenceDetails Details, Guid EvaluationId)? Logged(object data) => data switch
    {
        InterviewLogged x => (new EvidenceDetails(EvidenceKind.Interview, x.OccurredOn, x.WaveId, x.SiteIds, x.PairingId,
            x.ParticipantIds, x.Format, x.Mode, DurationMinutes: x.DurationMinutes), x.EvaluationId),
        ObservationLogged x => (new EvidenceDetails(EvidenceKind.Observation, x.OccurredOn, x.WaveId, x.SiteIds, x.PairingId, [],
            Setting: x.Setting, DurationMinutes: x.DurationMinutes), x.EvaluationId),
        DocumentCaptured x => (new EvidenceDetails(EvidenceKind.Document, x.CapturedOn, x.WaveId, x.SiteIds, null, [],
            IssuedOn: x.IssuedOn, Title: x.Title, Issuer: x.Issuer, DocumentType: x.DocumentType, SourceRef: x.SourceRef), x.EvaluationId),
        _ => null,
    };

    public void Record(IEvent e)
    {
        Sequences.Add(e.Sequence);
        if (Logged(e.Data) is var (logged, evaluationId))
        {
            Id = e.StreamId;
            EvaluationId = evaluationId;
            Kind = logged.Kind;
            LoggedBy = e.UserName;
            LoggedAt = e.RecordedAt();
            ClientLoggedAt = Visits.VisitTimeline.LoggedAtOf(e);
            VisitId = e.Data switch
            {
                InterviewLogged x => x.VisitId,
                ObservationLogged x => x.VisitId,
                DocumentCaptured x => x.VisitId,
                _ => null,
            };
            Records.Add(new DetailsRecord(e.Sequence, logged));
            return;
        }

        switch (e.Data)
        {
            case EvidenceCorrected x:
                Records.Add(new DetailsRecord(e.Sequence, Current.Correct(x)));
                break;
            case TextVersionAdded x:
                Texts.Add(new TextMeta(x.Version, e.Sequence, x.Length, x.Sha256, x.HmacSha256));
                break;
            case CodingApplied x:
                Codings.Add(new CodingRecord(x.CodingId, x.CodeId, x.TextVersion, x.Start, x.End, x.CoderId, x.Note, e.Sequence, e.RecordedAt(),
                    CreatedAt: Visits.VisitTimeline.TimeHeader(e, CodingRecord.CreatedAtHeader)));
                break;
            case EvidenceVoided x when VoidedSequence is null:
                VoidedSequence = e.Sequence;
                Void = new VoidRecord(x.Reason, e.UserName, e.RecordedAt());
                break;
            case CodingRemoved x when Codings.FindIndex(c => c.Id == x.CodingId) is var i and >= 0:
                Codings[i] = Codings[i] with { RemovedSequence = e.Sequence, RemovedAt = e.RecordedAt(), RemovedBy = e.UserName };
                break;
        }
    }

    /// <summary>Whether the void (if any) is known at the cut: from then on the item counts for nothing.</summary>
    public bool IsVoidedAt(Cut cut) => VoidedSequence is { } voided && cut.Knows(voided);

    /// <summary>The item at the cut, or null if it had not yet happened (or was not yet recorded), or was voided as known at the cut.</summary>
    public EvidenceState? AsOf(Cut cut) => IsVoidedAt(cut) ? null : AsOfWithVoided(cut);

    /// <summary>The item at the cut even if voided (then with its <see cref="VoidRecord"/>): for reads that show voided items as such.</summary>
    public EvidenceState? AsOfWithVoided(Cut cut)
    {
        var record = Records.LastOrDefault(r => cut.Knows(r.Sequence));
        if (record is null || record.Details.On > cut.AsOf)
        {
            return null;
        }

        return new EvidenceState(Id, record.Details, [.. Texts.Where(t => cut.Knows(t.Sequence))],
            Sequences.VersionKnownAt(cut.KnownUpTo), LoggedBy, LoggedAt, [.. Codings.Where(c => c.LiveAt(cut))],
            IsVoidedAt(cut) ? Void : null, VisitId, ClientLoggedAt);
    }
}
