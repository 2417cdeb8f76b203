using Fieldwork.Timeline;
using JasperFx.Events;

namespace Fieldwork.Pairings;

/// <summary>A date as recorded at a log position; a later record of the same date corrects it.</summary>
public sealed record RecordedDate(long Sequence, DateOnly On);

public sealed record AlignmentFact(
    long Sequence,
    DateOnly AssessedOn,
    bool SameSystem,
    bool SameRegion,
    decimal? DistanceKm,
    bool PriorLinks,
    int CulturalFit,
    string? Note);

public sealed record ExchangeFact(long Sequence, DateOnly OccurredOn, ExchangeDirection Direction, ExchangeChannel Channel);

public sealed record Alignment(DateOnly AssessedOn, bool SameSystem, bool SameRegion, decimal? DistanceKm, bool PriorLinks, int CulturalFit, string? Note);

public sealed record ExchangeCounts(int ExemplarToFollower, int FollowerToExemplar, int Mutual, int Formal, int Informal)
{
    public static readonly ExchangeCounts Zero = new(0, 0, 0, 0, 0);

    public int Total => ExemplarToFollower + FollowerToExemplar + Mutual;

    /// <summary>none: no exchange; oneWay: one direction only; twoWay: both directions, or any mutual exchange.</summary>
    public Flow Flow =>
        Total == 0 ? Flow.None
        : Mutual > 0 || (ExemplarToFollower > 0 && FollowerToExemplar > 0) ? Flow.TwoWay
        : Flow.OneWay;

    public ExchangeCounts Add(ExchangeDirection direction, ExchangeChannel channel) => this with
    {
        ExemplarToFollower = ExemplarToFollower + (direction == ExchangeDirection.ExemplarToFollower ? 1 : 0),
        FollowerToExemplar = FollowerToExemplar + (direction == ExchangeDirection.FollowerToExemplar ? 1 : 0),
        Mutual = Mutual + (direction == ExchangeDirection.Mutual ? 1 : 0),
        Formal = Formal + (channel == ExchangeChannel.Formal ? 1 : 0),
        Informal = Informal + (channel == ExchangeChannel.Informal ? 1 : 0),
    };
}

/// <summary>A pairing as it stood at a cut of the two timelines.</summary>
public sealed record PairingState(
    Guid Id,
    Guid ExemplarSiteId,
    Guid FollowerSiteId,
    PairingStatus Status,
    DateOnly ProposedOn,
    DateOnly? EstablishedOn,
    DateOnly? DissolvedOn,
    Alignment? Alignment,
    ExchangeCounts Exchanges,
    Flow Flow,
    int Version);

/// <summary>
/// Everything recorded about one pairing, each piece tagged with the log position that recorded
/// it; corrections are later records of the same date. Built by the same <see cref="Record"/>
/// inline and from raw events, read by the same <see cref="AsOf"/> (see <see cref="Sites.SiteTimeline"/>).
/// </summary>
public sealed class PairingTimeline : IEventTimeline
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public Guid ExemplarSiteId { get; set; }

    public Guid FollowerSiteId { get; set; }

    public List<RecordedDate> ProposedOn { get; set; } = [];

    public List<RecordedDate> EstablishedOn { get; set; } = [];

    public List<RecordedDate> DissolvedOn { get; set; } = [];

    public string? DissolutionReason { get; set; }

    public List<AlignmentFact> Alignments { get; set; } = [];

    // A pairing gathers thousands of exchanges and every state read loads them, so the two long
    // lists are packed as varints (base64 in the document): each exchange is the sequence as a
    // delta from the previous exchange's, the day number, and direction * 2 + channel; the
    // stream's sequences are deltas too. About a tenth of the JSON, and far less to deserialise.
    private List<byte> exchanges = [];
    private List<byte> sequences = [];

    /// <summary>The exchanges, packed (see <see cref="ExchangeFacts"/>).</summary>
    public byte[] PackedExchanges
    {
        get => [.. exchanges];
        set => exchanges = [.. value];
    }

    /// <summary>The log positions of the stream's events, packed (see <see cref="SequenceList"/>).</summary>
    public byte[] PackedSequences
    {
        get => [.. sequences];
        set => sequences = [.. value];
    }

    public int EventCount { get; set; }

    public long LastSequence { get; set; }

    public long LastExchangeSequence { get; set; }

    public DateOnly? LatestExchangeOn { get; set; }

    public void Record(IEvent e)
    {
        Varint.Write(sequences, e.Sequence - LastSequence);
        LastSequence = e.Sequence;
        EventCount++;
        switch (e.Data)
        {
            case PairingProposed x:
                Id = x.PairingId;
                EvaluationId = x.EvaluationId;
                ExemplarSiteId = x.ExemplarSiteId;
                FollowerSiteId = x.FollowerSiteId;
                ProposedOn.Add(new RecordedDate(e.Sequence, x.ProposedOn));
                break;
            case PairingEstablished x:
                EstablishedOn.Add(new RecordedDate(e.Sequence, x.EstablishedOn));
                break;
            case AlignmentAssessed x:
                Alignments.Add(new AlignmentFact(e.Sequence, x.AssessedOn, x.SameSystem, x.SameRegion, x.DistanceKm, x.PriorLinks,
                    x.CulturalFit, x.Note));
                break;
            case KnowledgeExchangeObserved x:
                Varint.Write(exchanges, e.Sequence - LastExchangeSequence);
                Varint.Write(exchanges, x.OccurredOn.DayNumber);
                Varint.Write(exchanges, ((int)x.Direction * 2) + (int)x.Channel);
                LastExchangeSequence = e.Sequence;
                LatestExchangeOn = LatestExchangeOn is { } latest && latest > x.OccurredOn ? latest : x.OccurredOn;
                break;
            case PairingDissolved x:
                DissolvedOn.Add(new RecordedDate(e.Sequence, x.DissolvedOn));
                DissolutionReason = x.Reason;
                break;
            case PairingDatesCorrected x:
                if (x.ProposedOn is { } proposed)
                {
                    ProposedOn.Add(new RecordedDate(e.Sequence, proposed));
                }

                if (x.EstablishedOn is { } established)
                {
                    EstablishedOn.Add(new RecordedDate(e.Sequence, established));
                }

                if (x.DissolvedOn is { } dissolved)
                {
                    DissolvedOn.Add(new RecordedDate(e.Sequence, dissolved));
                }

                break;
        }
    }

    /// <summary>The pairing at the cut, or null if it had not been proposed by then (or was not yet known).</summary>
    public PairingState? AsOf(Cut cut)
    {
        var proposed = Known(ProposedOn, cut);
        if (proposed is null || proposed > cut.AsOf)
        {
            return null;
        }

        var established = Known(EstablishedOn, cut) is { } e && e <= cut.AsOf ? e : (DateOnly?)null;
        var dissolved = Known(DissolvedOn, cut) is { } d && d <= cut.AsOf ? d : (DateOnly?)null;
        var status = dissolved is not null ? PairingStatus.Dissolved
            : established is not null ? PairingStatus.Established
            : PairingStatus.Proposed;

        var alignment = Alignments
            .Where(a => cut.Knows(a.Sequence) && a.AssessedOn <= cut.AsOf)
            .OrderBy(a => a.AssessedOn).ThenBy(a => a.Sequence)
            .LastOrDefault();

        int toFollower = 0, toExemplar = 0, mutual = 0, formal = 0, informal = 0;
        var asOf = cut.AsOf.DayNumber;
        long sequence = 0;
        for (var at = 0; at < exchanges.Count;)
        {
            sequence += Varint.Read(exchanges, ref at);
            var day = Varint.Read(exchanges, ref at);
            var kind = (int)Varint.Read(exchanges, ref at);
            if (cut.Knows(sequence) && day <= asOf)
            {
                switch ((ExchangeDirection)(kind >> 1))
                {
                    case ExchangeDirection.ExemplarToFollower: toFollower++; break;
                    case ExchangeDirection.FollowerToExemplar: toExemplar++; break;
                    default: mutual++; break;
                }

                if ((ExchangeChannel)(kind & 1) == ExchangeChannel.Formal)
                {
                    formal++;
                }
                else
                {
                    informal++;
                }
            }
        }

        var counts = new ExchangeCounts(toFollower, toExemplar, mutual, formal, informal);

        return new PairingState(Id, ExemplarSiteId, FollowerSiteId, status, proposed.Value, established, dissolved,
            alignment is null
                ? null
                : new Alignment(alignment.AssessedOn, alignment.SameSystem, alignment.SameRegion, alignment.DistanceKm,
                    alignment.PriorLinks, alignment.CulturalFit, alignment.Note),
            counts, counts.Flow, VersionKnownAt(cut.KnownUpTo));
    }

    /// <summary>The exchanges as recorded, unpacked, in log order.</summary>
    public IEnumerable<ExchangeFact> ExchangeFacts()
    {
        long sequence = 0;
        for (var at = 0; at < exchanges.Count;)
        {
            sequence += Varint.Read(exchanges, ref at);
            var day = DateOnly.FromDayNumber((int)Varint.Read(exchanges, ref at));
            var kind = (int)Varint.Read(exchanges, ref at);
            yield return new ExchangeFact(sequence, day, (ExchangeDirection)(kind >> 1), (ExchangeChannel)(kind & 1));
        }
    }

    /// <summary>The log positions of the stream's events, unpacked, in order.</summary>
    public IEnumerable<long> SequenceList()
    {
        long sequence = 0;
        for (var at = 0; at < sequences.Count;)
        {
            sequence += Varint.Read(sequences, ref at);
            yield return sequence;
        }
    }

    /// <summary>How many of the stream's events were known at that log position: its version then.</summary>
    private int VersionKnownAt(long knownUpTo) =>
        knownUpTo >= LastSequence ? EventCount : SequenceList().TakeWhile(s => s <= knownUpTo).Count();

    /// <summary>Today's knowledge of each date, for the rules.</summary>
    public DateOnly CurrentProposedOn => ProposedOn[^1].On;

    public DateOnly? CurrentEstablishedOn => EstablishedOn.Count > 0 ? EstablishedOn[^1].On : null;

    public DateOnly? CurrentDissolvedOn => DissolvedOn.Count > 0 ? DissolvedOn[^1].On : null;

    /// <summary>The latest record of a date known at the cut.</summary>
    private static DateOnly? Known(List<RecordedDate> records, Cut cut)
    {
        for (var i = records.Count - 1; i >= 0; i--)
        {
            if (cut.Knows(records[i].Sequence))
            {
                return records[i].On;
            }
        }

        return null;
    }
}
