using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Tests.Domain;

/// <summary>Logging, text versions, corrections and the check behind them all; voids are in <see cref="EvidenceVoidTests"/>.</summary>
public sealed class EvidenceRulesTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid Item = Guid.NewGuid();
    private static readonly Guid WaveId = Guid.NewGuid();
    private static readonly Evaluation Study = Given.Study(Id, new WaveDefined(Id, WaveId, "Wave 1", new(2018, 1, 1), new(2018, 12, 31)));

    /// <summary>The field date of most items here: in wave 1, after every consent but the late one, before every withdrawal.</summary>
    private static readonly DateOnly On = new(2018, 3, 5);

    private static readonly Guid SiteA = Guid.NewGuid(), SiteB = Guid.NewGuid(), SiteLate = Guid.NewGuid(), SiteGone = Guid.NewGuid();
    private static readonly Guid PairingId = Guid.NewGuid();
    private static readonly Guid Full = Guid.NewGuid(), NoRecord = Guid.NewGuid(), Late = Guid.NewGuid(), Withdrawn = Guid.NewGuid(), Erased = Guid.NewGuid();

    private static readonly EvidenceContext Context = new(
        Study,
        new Dictionary<Guid, SiteTimeline>
        {
            [SiteA] = Given.Site(Id, SiteA, "EX-1", ProgrammeRole.Exemplar, new DateOnly(2017, 1, 1)),
            [SiteB] = Given.Site(Id, SiteB, "FO-1", ProgrammeRole.Follower, new DateOnly(2017, 1, 1)),
            [SiteLate] = Given.Site(Id, SiteLate, "LATE", ProgrammeRole.Follower, new DateOnly(2019, 1, 1)),
            [SiteGone] = Given.Site(Id, SiteGone, "GONE", ProgrammeRole.Follower, new DateOnly(2017, 1, 1),
                new SiteWithdrawn(Id, SiteGone, new DateOnly(2018, 1, 1), "Left")),
        },
        new Dictionary<Guid, PairingTimeline>
        {
            [PairingId] = Given.Fold<PairingTimeline>(PairingId, "lead", new PairingProposed(Id, PairingId, SiteA, SiteB, new DateOnly(2017, 3, 1))),
        },
        new Dictionary<Guid, ParticipantTimeline>
        {
            [Full] = Participant(Full, "P-FULL", true, new DateOnly(2017, 1, 1)),
            [NoRecord] = Participant(NoRecord, "P-NOREC", false, new DateOnly(2017, 1, 1)),
            [Late] = Participant(Late, "P-LATE", true, new DateOnly(2018, 6, 1)),
            [Withdrawn] = Participant(Withdrawn, "P-GONE", true, new DateOnly(2017, 1, 1),
                new ParticipantWithdrew(Id, Withdrawn, new DateOnly(2018, 1, 1), false)),
            [Erased] = Participant(Erased, "P-ERASED", true, new DateOnly(2017, 1, 1),
                new ParticipantWithdrew(Id, Erased, new DateOnly(2018, 6, 1), true)),
        });

    private static ParticipantTimeline Participant(Guid id, string pseudonym, bool record, DateOnly givenOn, params object[] more) =>
        Given.Fold<ParticipantTimeline>(id, "lead",
            [new ParticipantRegistered(Id, id, pseudonym, "Nurse", null, new ConsentScope(true, record, true, true, LawfulBasis.PublicTask, "v1"), null,
                givenOn), .. more]);

    private static readonly NormalisedText Transcript = EvidenceText.Normalise("Q: How did it go?\r\nA: Well.");

    private static LogInterview Interview(DateOnly? on = null, Guid? waveId = null, List<Guid>? sites = null, Guid? pairing = null,
        List<Guid>? participants = null) =>
        new(null, on ?? On, waveId, sites ?? [SiteA], pairing, participants ?? [Full], InterviewFormat.Group, InterviewMode.Video, 45, null);

    private static Rejection Refused(Decision decision)
    {
        Assert.Empty(decision.Events);
        return Assert.IsType<Rejection>(decision.Rejection);
    }

    private static void InvalidOn(Decision decision, params string[] fields)
    {
        var rejection = Refused(decision);
        Assert.Equal(RejectionKind.Invalid, rejection.Kind);
        Assert.Equal(fields.Order(StringComparer.Ordinal), rejection.Errors.Keys.Order(StringComparer.Ordinal));
    }

    private static EvidenceTimeline Logged(object logged, params object[] more) => Given.Fold<EvidenceTimeline>(Item, "fw-1", [logged, .. more]);

    private static EvidenceTimeline LoggedInterview(IReadOnlyList<Guid> participants, InterviewFormat format, params object[] more) =>
        Logged(new InterviewLogged(Id, Item, On, WaveId, [SiteA, SiteB], PairingId, participants, format, InterviewMode.Phone, 30), more);

    private static readonly object Observation = new ObservationLogged(Id, Item, On, null, [SiteA], null, ObservationSetting.Workshop, 90);

    private static readonly object Document = new DocumentCaptured(Id, Item, On, new DateOnly(2018, 2, 1), null, "Plan", "Board", "Strategy", [SiteA], null);

    private static CorrectEvidence Correction(
        DateOnly? occurredOn = null, DateOnly? capturedOn = null, Guid? waveId = null, List<Guid>? siteIds = null, Guid? pairingId = null,
        List<Guid>? participantIds = null, InterviewFormat? format = null, InterviewMode? mode = null, ObservationSetting? setting = null,
        int? durationMinutes = null, DateOnly? issuedOn = null, string? title = null, string? issuer = null, string? documentType = null,
        string? sourceRef = null) =>
        new(occurredOn, capturedOn, waveId, siteIds, pairingId, participantIds, format, mode, setting, durationMinutes, issuedOn, title, issuer,
            documentType, sourceRef);

    private static TextVersionAdded TextVersion(int version) => new(Id, Item, version, 3, "sha", "abc", null);

    [Fact]
    public void an_interview_is_logged_with_each_site_and_participant_once()
    {
        var command = Interview(waveId: WaveId, sites: [SiteA, SiteB, SiteA], pairing: PairingId, participants: [Full, Full]);
        var decision = EvidenceRules.LogInterview(Context, Item, command, null);
        var logged = Assert.IsType<InterviewLogged>(Assert.Single(decision.Events));
        Assert.Equal((Id, Item, On, (Guid?)WaveId, (Guid?)PairingId, InterviewFormat.Group, InterviewMode.Video, 45),
            (logged.EvaluationId, logged.EvidenceId, logged.OccurredOn, logged.WaveId, logged.PairingId, logged.Format, logged.Mode, logged.DurationMinutes));
        Assert.Equal([SiteA, SiteB], logged.SiteIds);
        Assert.Equal([Full], logged.ParticipantIds);
    }

    [Fact]
    public void an_interview_logged_with_a_transcript_carries_it_as_text_version_one()
    {
        var decision = EvidenceRules.LogInterview(Context, Item, Interview(), Transcript);
        Assert.Equal(2, decision.Events.Count);
        Assert.IsType<InterviewLogged>(decision.Events[0]);
        Assert.Equal(new TextVersionAdded(Id, Item, 1, Transcript.Length, Transcript.Sha256, Transcript.Text, null), decision.Events[1]);
    }

    [Fact]
    public void a_field_date_outside_the_evaluation_is_invalid_on_occurred_on_for_interviews_and_observations_and_captured_on_for_documents()
    {
        var outside = new DateOnly(2016, 8, 31);
        InvalidOn(EvidenceRules.LogInterview(Context, Item, Interview(outside, sites: [], participants: []), null), "occurredOn");
        InvalidOn(EvidenceRules.LogObservation(Context, Item, new LogObservation(null, outside, null, [], null, ObservationSetting.Meeting, 60, null), null),
            "occurredOn");
        InvalidOn(EvidenceRules.CaptureDocument(Context, Item, new CaptureDocument(null, outside, null, null, "T", "I", "D", [], null, null), null),
            "capturedOn");
    }

    [Fact]
    public void the_wave_must_exist_and_contain_the_field_date()
    {
        InvalidOn(EvidenceRules.LogInterview(Context, Item, Interview(waveId: Guid.NewGuid()), null), "waveId");
        InvalidOn(EvidenceRules.LogInterview(Context, Item, Interview(new DateOnly(2017, 12, 31), WaveId), null), "waveId");
        Assert.True(EvidenceRules.LogInterview(Context, Item, Interview(new DateOnly(2018, 12, 31), WaveId), null).Accepted);
    }

    [Fact]
    public void each_site_must_be_known_enrolled_and_not_withdrawn_on_the_field_date_and_is_named_by_its_position()
    {
        var decision = EvidenceRules.LogInterview(Context, Item, Interview(sites: [SiteA, Guid.NewGuid(), SiteLate, SiteGone]), null);
        InvalidOn(decision, "siteIds[1]", "siteIds[2]", "siteIds[3]");
        Assert.Contains("not enrolled", decision.Rejection!.Errors["siteIds[2]"][0]);
        Assert.Contains("withdrawn", decision.Rejection.Errors["siteIds[3]"][0]);
    }

    [Fact]
    public void the_pairing_must_exist_and_both_its_sites_be_among_the_items()
    {
        InvalidOn(EvidenceRules.LogInterview(Context, Item, Interview(sites: [SiteA, SiteB], pairing: Guid.NewGuid()), null), "pairingId");
        InvalidOn(EvidenceRules.LogInterview(Context, Item, Interview(sites: [SiteA], pairing: PairingId), null), "pairingId");
        Assert.True(EvidenceRules.LogInterview(Context, Item, Interview(sites: [SiteB, SiteA], pairing: PairingId), null).Accepted);
    }

    [Fact]
    public void an_unknown_participant_or_one_who_had_withdrawn_by_the_field_date_is_invalid_on_their_position()
    {
        var decision = EvidenceRules.LogInterview(Context, Item, Interview(participants: [Full, Guid.NewGuid(), Withdrawn]), null);
        InvalidOn(decision, "participantIds[1]", "participantIds[2]");
        Assert.Contains("withdrawn", decision.Rejection!.Errors["participantIds[2]"][0]);
        Assert.True(EvidenceRules.LogInterview(Context, Item, Interview(new DateOnly(2017, 12, 31), participants: [Withdrawn]), null).Accepted);
    }

    [Fact]
    public void a_field_date_before_a_participants_consent_conflicts_naming_them_and_both_dates()
    {
        var decision = EvidenceRules.LogInterview(Context, Item, Interview(participants: [Late]), null);
        var rejection = Refused(decision);
        Assert.Equal(RejectionKind.Conflict, rejection.Kind);
        Assert.Contains("P-LATE", rejection.Detail);
        Assert.Contains("2018-06-01", rejection.Detail);
        Assert.Contains("2018-03-05", rejection.Detail);
        Assert.True(EvidenceRules.LogInterview(Context, Item, Interview(new DateOnly(2018, 6, 1), participants: [Late]), null).Accepted);
    }

    [Fact]
    public void a_field_error_outranks_a_conflict()
    {
        var decision = EvidenceRules.LogInterview(Context, Item, Interview(participants: [Late, Guid.NewGuid()]), null);
        InvalidOn(decision, "participantIds[1]");
    }

    [Fact]
    public void a_transcript_needs_every_participants_consent_to_be_recorded_but_the_interview_does_not()
    {
        InvalidOn(EvidenceRules.LogInterview(Context, Item, Interview(participants: [Full, NoRecord]), Transcript), "transcript");
        Assert.Single(EvidenceRules.LogInterview(Context, Item, Interview(participants: [Full, NoRecord]), null).Events);
    }

    [Fact]
    public void after_a_withdrawal_with_erasure_an_earlier_interview_naming_them_is_logged_only_without_its_transcript()
    {
        var withText = Refused(EvidenceRules.LogInterview(Context, Item, Interview(participants: [Erased]), Transcript));
        Assert.Equal(RejectionKind.Conflict, withText.Kind);
        Assert.Contains("P-ERASED", withText.Detail);
        Assert.Single(EvidenceRules.LogInterview(Context, Item, Interview(participants: [Erased]), null).Events);
    }

    [Fact]
    public void several_field_errors_are_refused_together()
    {
        var decision = EvidenceRules.LogInterview(Context, Item,
            Interview(new DateOnly(2017, 12, 31), WaveId, [Guid.NewGuid()], Guid.NewGuid(), [Guid.NewGuid()]), null);
        InvalidOn(decision, "waveId", "siteIds[0]", "pairingId", "participantIds[0]");
    }

    [Fact]
    public void an_observation_is_logged_with_its_notes_as_text_version_one()
    {
        var notes = EvidenceText.Normalise("Notes");
        var command = new LogObservation(null, On, WaveId, [SiteA, SiteA], null, ObservationSetting.SiteVisit, 120, "Notes");
        var decision = EvidenceRules.LogObservation(Context, Item, command, notes);
        Assert.Equal(2, decision.Events.Count);
        var logged = Assert.IsType<ObservationLogged>(decision.Events[0]);
        Assert.Equal((Id, Item, On, (Guid?)WaveId, (Guid?)null, ObservationSetting.SiteVisit, 120),
            (logged.EvaluationId, logged.EvidenceId, logged.OccurredOn, logged.WaveId, logged.PairingId, logged.Setting, logged.DurationMinutes));
        Assert.Equal([SiteA], logged.SiteIds);
        Assert.Equal(1, Assert.IsType<TextVersionAdded>(decision.Events[1]).Version);
        Assert.Single(EvidenceRules.LogObservation(Context, Item, command, null).Events);
    }

    [Fact]
    public void an_observation_is_checked_like_an_interview()
    {
        var command = new LogObservation(null, On, null, [SiteGone], PairingId, ObservationSetting.Meeting, 60, null);
        InvalidOn(EvidenceRules.LogObservation(Context, Item, command, null), "siteIds[0]", "pairingId");
    }

    [Fact]
    public void a_document_is_captured_with_its_words_trimmed()
    {
        var command = new CaptureDocument(null, On, new DateOnly(2018, 2, 1), WaveId, " Plan ", " Board ", " Strategy ", [SiteA, SiteA], "ref-1", null);
        var decision = EvidenceRules.CaptureDocument(Context, Item, command, null);
        var captured = Assert.IsType<DocumentCaptured>(Assert.Single(decision.Events));
        Assert.Equal((Id, Item, On, (DateOnly?)new DateOnly(2018, 2, 1), (Guid?)WaveId, "Plan", "Board", "Strategy", "ref-1"),
            (captured.EvaluationId, captured.EvidenceId, captured.CapturedOn, captured.IssuedOn, captured.WaveId, captured.Title, captured.Issuer,
                captured.DocumentType, captured.SourceRef));
        Assert.Equal([SiteA], captured.SiteIds);
        Assert.Equal(2, EvidenceRules.CaptureDocument(Context, Item, command, EvidenceText.Normalise("Text")).Events.Count);
        InvalidOn(EvidenceRules.CaptureDocument(Context, Item, command with { SiteIds = [SiteLate] }, null), "siteIds[0]");
    }

    [Fact]
    public void a_text_version_follows_the_latest_one_and_a_stale_expected_version_conflicts()
    {
        var item = LoggedInterview([Full], InterviewFormat.OneToOne, TextVersion(1));
        var text = EvidenceText.Normalise("Second");
        Assert.Equal(new TextVersionAdded(Id, Item, 2, text.Length, text.Sha256, text.Text, null),
            Assert.Single(EvidenceRules.AddText(Context, item, 1, text).Events));
        Assert.Equal(RejectionKind.Conflict, Refused(EvidenceRules.AddText(Context, item, 0, text)).Kind);
        Assert.Equal(RejectionKind.Conflict, Refused(EvidenceRules.AddText(Context, item, 2, text)).Kind);
        Assert.Equal(1, Assert.IsType<TextVersionAdded>(Assert.Single(EvidenceRules.AddText(Context, LoggedInterview([Full], InterviewFormat.OneToOne), 0,
            text).Events)).Version);
    }

    [Fact]
    public void a_new_interview_text_needs_the_participants_consent_to_be_recorded_and_their_words_not_erased()
    {
        var text = EvidenceText.Normalise("Text");
        InvalidOn(EvidenceRules.AddText(Context, LoggedInterview([NoRecord], InterviewFormat.OneToOne), 0, text), "text");
        Assert.Equal(RejectionKind.Conflict, Refused(EvidenceRules.AddText(Context, LoggedInterview([Erased], InterviewFormat.OneToOne), 0, text)).Kind);
    }

    [Fact]
    public void texts_of_observations_and_documents_are_not_checked_against_the_state()
    {
        var nothingKnown = new EvidenceContext(Study, new Dictionary<Guid, SiteTimeline>(), new Dictionary<Guid, PairingTimeline>(),
            new Dictionary<Guid, ParticipantTimeline>());
        var text = EvidenceText.Normalise("Text");
        Assert.Single(EvidenceRules.AddText(nothingKnown, Logged(Observation), 0, text).Events);
        Assert.Single(EvidenceRules.AddText(nothingKnown, Logged(Document), 0, text).Events);
        InvalidOn(EvidenceRules.AddText(nothingKnown, LoggedInterview([Full], InterviewFormat.OneToOne), 0, text), "siteIds[0]", "siteIds[1]", "pairingId",
            "participantIds[0]");
    }

    [Fact]
    public void a_correction_records_the_fields_it_gives_trimmed_with_each_id_once()
    {
        var item = LoggedInterview([Full], InterviewFormat.Group);
        var decision = EvidenceRules.Correct(Context, item,
            Correction(occurredOn: new DateOnly(2018, 4, 1), participantIds: [Full, NoRecord, NoRecord], mode: InterviewMode.InPerson));
        var corrected = Assert.IsType<EvidenceCorrected>(Assert.Single(decision.Events));
        Assert.Equal([Full, NoRecord], corrected.ParticipantIds);
        Assert.Equal(new EvidenceCorrected(Id, Item, new DateOnly(2018, 4, 1), null, null, null, corrected.ParticipantIds, null, InterviewMode.InPerson,
            null, null, null, null, null, null, null), corrected);
    }

    [Fact]
    public void a_documents_captured_on_is_recorded_as_the_corrected_field_date_and_its_words_trimmed()
    {
        var decision = EvidenceRules.Correct(Context, Logged(Document), Correction(capturedOn: new DateOnly(2018, 4, 1), title: " Plan v2 ", sourceRef: "r"));
        var corrected = Assert.IsType<EvidenceCorrected>(Assert.Single(decision.Events));
        Assert.Equal((new DateOnly(2018, 4, 1), "Plan v2", "r"), (corrected.OccurredOn, corrected.Title, corrected.SourceRef));
    }

    [Fact]
    public void a_correction_naming_fields_the_kind_does_not_have_is_invalid_on_each_of_them()
    {
        InvalidOn(EvidenceRules.Correct(Context, Logged(Document), Correction(occurredOn: On, participantIds: [Full], format: InterviewFormat.Group,
                mode: InterviewMode.Phone, setting: ObservationSetting.Meeting, durationMinutes: 5, pairingId: PairingId)),
            "occurredOn", "participantIds", "format", "mode", "setting", "durationMinutes", "pairingId");
        InvalidOn(EvidenceRules.Correct(Context, LoggedInterview([Full], InterviewFormat.Group), Correction(capturedOn: On,
                setting: ObservationSetting.Meeting, issuedOn: On, title: "T", issuer: "I", documentType: "D", sourceRef: "S")),
            "capturedOn", "setting", "issuedOn", "title", "issuer", "documentType", "sourceRef");
        InvalidOn(EvidenceRules.Correct(Context, Logged(Observation), Correction(participantIds: [Full], format: InterviewFormat.Group,
                mode: InterviewMode.Phone, title: "T")),
            "participantIds", "format", "mode", "title");
    }

    [Fact]
    public void a_one_to_one_interview_keeps_exactly_one_participant()
    {
        InvalidOn(EvidenceRules.Correct(Context, LoggedInterview([Full], InterviewFormat.OneToOne), Correction(participantIds: [Full, NoRecord])),
            "participantIds");
        InvalidOn(EvidenceRules.Correct(Context, LoggedInterview([Full, NoRecord], InterviewFormat.Group), Correction(format: InterviewFormat.OneToOne)),
            "participantIds");
        Assert.True(EvidenceRules.Correct(Context, LoggedInterview([Full, NoRecord], InterviewFormat.Group),
            Correction(format: InterviewFormat.OneToOne, participantIds: [NoRecord])).Accepted);
    }

    [Fact]
    public void a_document_is_not_issued_after_it_was_captured_as_corrected()
    {
        InvalidOn(EvidenceRules.Correct(Context, Logged(Document), Correction(capturedOn: new DateOnly(2018, 1, 31))), "issuedOn");
        InvalidOn(EvidenceRules.Correct(Context, Logged(Document), Correction(issuedOn: new DateOnly(2018, 3, 6))), "issuedOn");
        Assert.True(EvidenceRules.Correct(Context, Logged(Document), Correction(issuedOn: On)).Accepted);
    }

    [Fact]
    public void no_correction_links_a_participant_who_has_withdrawn_even_for_a_date_before_the_withdrawal()
    {
        var item = LoggedInterview([Full], InterviewFormat.Group);
        var decision = EvidenceRules.Correct(Context, item, Correction(participantIds: [Full, Erased]));
        Assert.Equal(RejectionKind.Conflict, Refused(decision).Kind);
        Assert.Contains("P-ERASED", decision.Rejection!.Detail);
        var kept = Refused(EvidenceRules.Correct(Context, item, Correction(participantIds: [Full, Withdrawn])));
        Assert.Equal(RejectionKind.Conflict, kept.Kind);
        Assert.Contains("P-GONE", kept.Detail);

        // Someone already on the item before they withdrew stays on it through other corrections.
        Assert.True(EvidenceRules.Correct(Context, LoggedInterview([Full, Erased], InterviewFormat.Group), Correction(durationMinutes: 50)).Accepted);
    }

    [Fact]
    public void the_corrected_item_is_checked_as_a_whole()
    {
        var item = LoggedInterview([Full], InterviewFormat.Group);
        InvalidOn(EvidenceRules.Correct(Context, item, Correction(occurredOn: new DateOnly(2019, 1, 1))), "waveId");
        InvalidOn(EvidenceRules.Correct(Context, item, Correction(siteIds: [SiteA])), "pairingId");
        Assert.Equal(RejectionKind.Conflict, Refused(EvidenceRules.Correct(Context, item, Correction(participantIds: [Late]))).Kind);
    }

    [Fact]
    public void a_participant_added_to_an_interview_with_text_must_consent_to_being_recorded()
    {
        var withText = LoggedInterview([Full], InterviewFormat.Group, TextVersion(1));
        InvalidOn(EvidenceRules.Correct(Context, withText, Correction(participantIds: [Full, NoRecord])), "participantIds");
        Assert.True(EvidenceRules.Correct(Context, LoggedInterview([Full], InterviewFormat.Group), Correction(participantIds: [Full, NoRecord])).Accepted);
    }

    [Fact]
    public void a_check_of_details_that_fit_the_state_finds_nothing()
    {
        var details = new EvidenceDetails(EvidenceKind.Interview, On, WaveId, [SiteA, SiteB], PairingId, [Full, NoRecord]);
        Assert.Null(EvidenceRules.Check(Context, details, null));
        Assert.Equal("text", EvidenceRules.Check(Context, details, "text")?.Field);
    }
}
