using Fieldwork.Access;
using Fieldwork.Evaluations;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Rules;
using Fieldwork.Sites;
using Fieldwork.Visits;

namespace Fieldwork.Evidence;

/// <summary>The state an evidence item is checked against: the evaluation and the items it names (only those of this evaluation).</summary>
public sealed record EvidenceContext(
    Evaluation Evaluation,
    IReadOnlyDictionary<Guid, SiteTimeline> Sites,
    IReadOnlyDictionary<Guid, PairingTimeline> Pairings,
    IReadOnlyDictionary<Guid, ParticipantTimeline> Participants);

/// <summary>The evidence rules as pure functions.</summary>
public static class EvidenceRules
{
    public static Decision LogInterview(EvidenceContext context, Guid id, NewInterview c, NormalisedText? transcript, VisitFrame? visit = null)
    {
        var details = new EvidenceDetails(EvidenceKind.Interview, c.OccurredOn, c.WaveId, [.. c.SiteIds.Distinct()], c.PairingId,
            [.. c.ParticipantIds.Distinct()], c.Format, c.Mode, DurationMinutes: c.DurationMinutes);
        if (Check(context, details, transcript is null ? null : "transcript", visit) is { } refused)
        {
            return refused;
        }

        var logged = new InterviewLogged(context.Evaluation.Id, id, details.On, details.WaveId, details.SiteIds, details.PairingId,
            details.ParticipantIds, c.Format, c.Mode, c.DurationMinutes, visit?.Id);
        return transcript is null ? Decision.Accept(logged) : Decision.Accept(logged, Text(context.Evaluation.Id, id, 1, transcript));
    }

    public static Decision LogObservation(EvidenceContext context, Guid id, NewObservation c, NormalisedText? notes, VisitFrame? visit = null)
    {
        var details = new EvidenceDetails(EvidenceKind.Observation, c.OccurredOn, c.WaveId, [.. c.SiteIds.Distinct()], c.PairingId, [],
            Setting: c.Setting, DurationMinutes: c.DurationMinutes);
        if (Check(context, details, null, visit) is { } refused)
        {
            return refused;
        }

        var logged = new ObservationLogged(context.Evaluation.Id, id, details.On, details.WaveId, details.SiteIds, details.PairingId,
            c.Setting, c.DurationMinutes, visit?.Id);
        return notes is null ? Decision.Accept(logged) : Decision.Accept(logged, Text(context.Evaluation.Id, id, 1, notes));
    }

    public static Decision CaptureDocument(EvidenceContext context, Guid id, NewDocument c, NormalisedText? text, VisitFrame? visit = null)
    {
        var details = new EvidenceDetails(EvidenceKind.Document, c.CapturedOn, c.WaveId, [.. c.SiteIds.Distinct()], null, [],
            IssuedOn: c.IssuedOn, Title: c.Title, Issuer: c.Issuer, DocumentType: c.DocumentType, SourceRef: c.SourceRef);
        if (Check(context, details, null, visit) is { } refused)
        {
            return refused;
        }

        var captured = new DocumentCaptured(context.Evaluation.Id, id, details.On, c.IssuedOn, details.WaveId, details.Title!, details.Issuer!,
            details.DocumentType!, details.SiteIds, c.SourceRef, visit?.Id);
        return text is null ? Decision.Accept(captured) : Decision.Accept(captured, Text(context.Evaluation.Id, id, 1, text));
    }

    /// <summary>
    /// Voids an item logged in error: the person who logged it, or a lead. Voiding again records
    /// nothing and answers as the first did.
    /// </summary>
    public static Decision Void(EvidenceTimeline item, string callerId, Role role, EvidenceVoid command)
    {
        if (item.VoidedSequence is not null)
        {
            return Decision.Accept();
        }

        return role == Role.Lead || item.LoggedBy == callerId
            ? Decision.Accept(new EvidenceVoided(item.EvaluationId, item.Id, command.Reason))
            : Rejection.Forbidden("Only the person who logged this item, or a lead, may void it.");
    }

    /// <summary>A voided item takes no changes, texts or codings.</summary>
    public static Rejection? Voided(EvidenceTimeline item) => item.Void is { } v
        ? Rejection.Conflict($"This item was voided ({v.Reason}); it takes no changes, texts or codings.")
        : null;

    public static Decision AddText(EvidenceContext context, EvidenceTimeline item, int expectedVersion, NormalisedText text)
    {
        var latest = item.Texts.Count;
        if (expectedVersion != latest)
        {
            return Rejection.Conflict($"The latest text version is {latest}, not {expectedVersion}; read the item again and retry.");
        }

        if (item.Kind == EvidenceKind.Interview && Check(context, item.Current, "text") is { } refused)
        {
            return refused;
        }

        return Decision.Accept(Text(context.Evaluation.Id, item.Id, latest + 1, text));
    }

    /// <summary>What a one-to-one interview's participants must be, checked once for a new interview (by its validator) and again for a corrected one.</summary>
    public const string OneToOne = "A one-to-one interview has exactly one participant.";

    /// <summary>Whether an interview in <paramref name="format"/> may have <paramref name="participants"/> participants (<see cref="OneToOne"/>).</summary>
    public static bool FitsFormat(InterviewFormat? format, int participants) => format != InterviewFormat.OneToOne || participants == 1;

    /// <summary>
    /// Corrects logged fields. An item logged within a <paramref name="visit"/> stays within it: a
    /// correction may not move it out of the visit's days, sites or wave.
    /// </summary>
    public static Decision Correct(EvidenceContext context, EvidenceTimeline item, CorrectEvidence c, VisitFrame? visit = null)
    {
        var misplaced = new List<Rejection>();
        void NotFor(bool wrong, string field, string kind)
        {
            if (wrong)
            {
                misplaced.Add(Rejection.Invalid(field, $"'{field}' is not a field of {kind}."));
            }
        }

        var kind = item.Kind switch { EvidenceKind.Interview => "an interview", EvidenceKind.Observation => "an observation", _ => "a document" };
        var document = item.Kind == EvidenceKind.Document;
        NotFor(document && c.OccurredOn is not null, "occurredOn", kind);
        NotFor(!document && c.CapturedOn is not null, "capturedOn", kind);
        NotFor(item.Kind != EvidenceKind.Interview && (c.ParticipantIds is not null), "participantIds", kind);
        NotFor(item.Kind != EvidenceKind.Interview && (c.Format is not null), "format", kind);
        NotFor(item.Kind != EvidenceKind.Interview && (c.Mode is not null), "mode", kind);
        NotFor(item.Kind != EvidenceKind.Observation && c.Setting is not null, "setting", kind);
        NotFor(document && c.DurationMinutes is not null, "durationMinutes", kind);
        NotFor(document && c.PairingId is not null, "pairingId", kind);
        foreach (var (value, field) in new[] { (c.Title, "title"), (c.Issuer, "issuer"), (c.DocumentType, "documentType"), (c.SourceRef, "sourceRef") })
        {
            NotFor(!document && value is not null, field, kind);
        }

        NotFor(!document && c.IssuedOn is not null, "issuedOn", kind);
        if (misplaced.Count > 0)
        {
            return Rejection.Combine(misplaced);
        }

        var correction = new EvidenceCorrected(context.Evaluation.Id, item.Id, c.OccurredOn ?? c.CapturedOn, c.WaveId,
            c.SiteIds?.Distinct().ToList(), c.PairingId, c.ParticipantIds?.Distinct().ToList(), c.Format, c.Mode, c.Setting, c.DurationMinutes,
            c.IssuedOn, c.Title?.Trim(), c.Issuer?.Trim(), c.DocumentType?.Trim(), c.SourceRef);
        var corrected = item.Current.Correct(correction);
        if (corrected.Kind == EvidenceKind.Interview && !FitsFormat(corrected.Format, corrected.ParticipantIds.Count))
        {
            return Rejection.Invalid("participantIds", OneToOne);
        }

        if (corrected.IssuedOn is { } issued && issued > corrected.On)
        {
            return Rejection.Invalid("issuedOn", "'issuedOn' must not be after 'capturedOn'.");
        }

        // A withdrawal is final for new links: nobody who has withdrawn joins an item after it.
        var joining = corrected.ParticipantIds.Except(item.Current.ParticipantIds)
            .Select(id => context.Participants.GetValueOrDefault(id))
            .OfType<ParticipantTimeline>()
            .Where(p => p.WithdrawnOn is not null)
            .Select(p => $"{p.Pseudonym} withdrew on {p.WithdrawnOn:yyyy-MM-dd}")
            .ToList();
        if (joining.Count > 0)
        {
            return Rejection.Conflict(string.Join("; ", joining) + ": no correction may link them to an item.");
        }

        var texts = item.Kind == EvidenceKind.Interview && item.Texts.Count > 0 ? "participantIds" : null;
        return Check(context, corrected, texts, visit) is { } refused ? refused : Decision.Accept(correction);
    }

    /// <summary>
    /// Every field error of logged details against the state: dates, wave, sites enrolled and
    /// active on the date, the pairing's sites among the item's, participants known and still
    /// taking part on the date, and, when <paramref name="textField"/> names a text being kept,
    /// every participant's consent to being recorded; and, for an item logged within a
    /// <paramref name="visit"/>, that it lies within the visit's days, sites and wave.
    /// </summary>
    public static Rejection? Check(EvidenceContext context, EvidenceDetails d, string? textField, VisitFrame? visit = null)
    {
        var errors = new List<Rejection>();
        var dateField = d.Kind == EvidenceKind.Document ? "capturedOn" : "occurredOn";
        if (Dates.Outside(context.Evaluation, d.On, dateField) is { } outside)
        {
            errors.Add(outside);
        }

        if (visit is not null)
        {
            errors.AddRange(Within(visit, d, dateField));
        }

        if (d.WaveId is { } waveId)
        {
            var wave = context.Evaluation.Waves.FirstOrDefault(w => w.Id == waveId);
            if (wave is null)
            {
                errors.Add(Rejection.Invalid("waveId", "There is no such wave in this evaluation."));
            }
            else if (d.On < wave.StartsOn || d.On > wave.EndsOn)
            {
                errors.Add(Rejection.Invalid("waveId",
                    $"Wave '{wave.Name}' ({wave.StartsOn:yyyy-MM-dd} to {wave.EndsOn:yyyy-MM-dd}) does not contain {d.On:yyyy-MM-dd}."));
            }
        }

        errors.AddRange(SiteErrors(context, d.SiteIds, d.On));

        if (d.PairingId is { } pairingId)
        {
            if (!context.Pairings.TryGetValue(pairingId, out var pairing))
            {
                errors.Add(Rejection.Invalid("pairingId", "There is no such pairing in this evaluation."));
            }
            else if (!d.SiteIds.Contains(pairing.ExemplarSiteId) || !d.SiteIds.Contains(pairing.FollowerSiteId))
            {
                errors.Add(Rejection.Invalid("pairingId", "Both of the pairing's sites must be among 'siteIds'."));
            }
        }

        var conflicts = new List<string>();
        for (var i = 0; i < d.ParticipantIds.Count; i++)
        {
            var field = $"participantIds[{i}]";
            if (!context.Participants.TryGetValue(d.ParticipantIds[i], out var participant))
            {
                errors.Add(Rejection.Invalid(field, "There is no such participant in this evaluation."));
                continue;
            }

            var consent = participant.ConsentOn(d.On);
            if (consent is null && participant.ConsentGivenOn is { } givenOn && d.On < givenOn)
            {
                conflicts.Add($"{participant.Pseudonym} gave consent on {givenOn:yyyy-MM-dd}, after the field date {d.On:yyyy-MM-dd}");
            }
            else if (textField is not null && participant.ErasedFor(d.On))
            {
                // Erasure is final for new material: the bare fact of an earlier interview may still be logged, not their words.
                conflicts.Add($"{participant.Pseudonym} withdrew on {participant.WithdrawnOn:yyyy-MM-dd} and asked for their transcripts to be " +
                              "erased: no new text naming them may be kept (log the interview without it)");
            }
            else if (consent is null || !consent.TakePart)
            {
                errors.Add(Rejection.Invalid(field, $"{participant.Pseudonym} had withdrawn from the study by {d.On:yyyy-MM-dd}."));
            }
            else if (textField is not null && !consent.Record)
            {
                errors.Add(Rejection.Invalid(textField,
                    $"{participant.Pseudonym}'s consent on {d.On:yyyy-MM-dd} does not allow recording: no transcript may be kept."));
            }
        }

        return errors.Count > 0 ? Rejection.Combine(errors)
            : conflicts.Count > 0 ? Rejection.Conflict(string.Join("; ", conflicts) + ".")
            : null;
    }

    /// <summary>Each site of <paramref name="siteIds"/> that is not this evaluation's, or not enrolled and taking part on <paramref name="on"/>.</summary>
    public static IEnumerable<Rejection> SiteErrors(EvidenceContext context, IReadOnlyList<Guid> siteIds, DateOnly on)
    {
        for (var i = 0; i < siteIds.Count; i++)
        {
            if (SiteRules.TakingPart(context.Sites.GetValueOrDefault(siteIds[i]), on, $"siteIds[{i}]") is { } refused)
            {
                yield return refused;
            }
        }
    }

    /// <summary>Where an item leaves its visit: a field date outside the visit's days, a site it did not go to, another wave.</summary>
    private static IEnumerable<Rejection> Within(VisitFrame visit, EvidenceDetails d, string dateField)
    {
        if (d.On < visit.StartsOn || d.On > visit.EndsOn)
        {
            yield return Rejection.Invalid(dateField,
                $"{d.On:yyyy-MM-dd} is outside the visit ({visit.StartsOn:yyyy-MM-dd} to {visit.EndsOn:yyyy-MM-dd}).");
        }

        for (var i = 0; i < d.SiteIds.Count; i++)
        {
            if (!visit.SiteIds.Contains(d.SiteIds[i]))
            {
                yield return Rejection.Invalid($"siteIds[{i}]", "The visit did not go to this site: an item's sites are among its visit's.");
            }
        }

        if (visit.WaveId is { } wave && d.WaveId is { } own && own != wave)
        {
            yield return Rejection.Invalid("waveId", "An item of a visit in a wave is in that wave.");
        }
    }

    private static TextVersionAdded Text(Guid evaluationId, Guid evidenceId, int version, NormalisedText text) =>
        new(evaluationId, evidenceId, version, text.Length, text.Sha256, text.Text, null);
}
