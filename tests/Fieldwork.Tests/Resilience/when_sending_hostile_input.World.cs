using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fieldwork.Tests.Resilience;

public sealed partial class when_sending_hostile_input
{
    /// <summary>
    /// One valid request for a POST or PUT route: the URL with real ids, a body the API accepts as
    /// it stands when the request is made, who may send it, and the method.
    /// </summary>
    private sealed record ValidRequest(string Url, JsonObject Body, string User, string Method = "POST");

    /// <summary>
    /// Two evaluations led by <see cref="Lead"/>, set up through the API so that every POST and PUT route
    /// has a valid request (<see cref="Valid"/>, keyed by the route template exactly as the OpenAPI
    /// document spells it). <see cref="Other"/> is a second evaluation with the same lead, for ids
    /// of another evaluation.
    /// </summary>
    private sealed record World(Guid EvaluationId, Guid Other, string Lead, IReadOnlyDictionary<string, ValidRequest> Valid);

    /// <summary>The code of the site the enrolment request enrols; <see cref="World.Other"/> already has a site of that code.</summary>
    private const string NewSiteCode = "NEW-SITE";

    /// <summary>
    /// Builds the world. Every valid request stays valid after all of them have been sent once,
    /// in the dictionary's order: a request that changes something (a withdrawal, a dissolution,
    /// a retirement, anything with an expectedVersion) has an entity of its own that nothing else
    /// touches, and a request that creates something carries a fresh id.
    /// </summary>
    private async Task<World> BuildWorldAsync()
    {
        var lead = NewUser("lead");
        var evaluationId = await CreateEvaluation(lead);
        var root = $"/api/evaluations/{evaluationId}";
        var valid = new Dictionary<string, ValidRequest>();

        async Task<Guid> Create(string path, object body)
        {
            var reply = await Post($"{root}/{path}", lead, body);
            reply.ShouldBe(HttpStatusCode.Created);
            return reply.Json["id"]!.GetValue<Guid>();
        }

        async Task Change(string path, object body) => (await Post($"{root}/{path}", lead, body)).ShouldBe(HttpStatusCode.OK);

        // The route's {evaluationId} is the world's evaluation; its other id (there is at most one) is routeId.
        void Valid(string route, Guid? routeId, JsonObject body, string? user = null, string method = "POST")
        {
            var url = route.Replace("{evaluationId}", evaluationId.ToString(), StringComparison.Ordinal);
            if (routeId is { } id)
            {
                url = Regex.Replace(url, @"\{\w+\}", id.ToString());
            }

            valid.Add(route, new ValidRequest(url, body, user ?? lead, method));
        }

        static JsonArray Ids(params Guid[] ids) => [.. ids.Select(id => (JsonNode)id)];

        var consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" };

        // Another evaluation of the same lead, with a site, a wave and a participant of its own.
        // Its site has the code the enrolment request uses and its wave overlaps the wave request,
        // so that those two requests, sent to this evaluation, are refused (409) as they should be.
        var other = await CreateEvaluation(lead, "Other evaluation");
        var otherSite = await EnrolSite(other, lead, NewSiteCode, enrolledOn: "2018-01-02");
        (await Post($"/api/evaluations/{other}/waves", lead, new { name = "Other 2018", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created);
        (await Post($"/api/evaluations/{other}/participants", lead, new { pseudonym = "O-1", role = "CIO", siteId = otherSite, consent }))
            .ShouldBe(HttpStatusCode.Created);

        // Evaluations.
        Valid("/api/evaluations", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["name"] = "Digital maturity follow-up",
            ["startsOn"] = "2016-09-01",
            ["endsOn"] = "2021-09-30",
            ["description"] = "A second look at the acute trusts of the programme.",
        });

        // A whole-store verification (no body: it is started, 202, and runs in the background).
        Valid("/api/audit/verifications", null, new JsonObject());

        // Members. Sent by a second lead who is no member of the other evaluation: granting a role
        // is accepted in any evaluation the sender leads, so sent by the world's lead to the
        // other evaluation it would be accepted too.
        var coLead = NewUser("colead");
        await AddMember(evaluationId, lead, coLead, "lead");
        Valid("/api/evaluations/{evaluationId}/members", null, new JsonObject
        {
            ["userId"] = NewUser("fieldworker"),
            ["role"] = "fieldworker",
        }, coLead);

        // Waves: the first half of 2018 holds the evidence; the request defines the second half.
        var wave = await Create("waves", new { name = "First half of 2018", startsOn = "2018-01-01", endsOn = "2018-06-30" });
        Valid("/api/evaluations/{evaluationId}/waves", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["name"] = "Second half of 2018",
            ["startsOn"] = "2018-07-01",
            ["endsOn"] = "2018-12-31",
        });

        // Sites: two exemplars and three followers for the pairings, and one site for each
        // request that changes a site (attributes, withdrawal).
        var exemplar1 = await EnrolSite(evaluationId, lead, "EX1", "exemplar", "2018-01-02");
        var exemplar2 = await EnrolSite(evaluationId, lead, "EX2", "exemplar", "2018-01-02");
        var follower1 = await EnrolSite(evaluationId, lead, "FO1", "follower", "2018-01-02");
        var follower2 = await EnrolSite(evaluationId, lead, "FO2", "follower", "2018-01-02");
        var follower3 = await EnrolSite(evaluationId, lead, "FO3", "follower", "2018-01-02");
        var changingSite = await EnrolSite(evaluationId, lead, "ATTR", "follower", "2018-01-02");
        var withdrawingSite = await EnrolSite(evaluationId, lead, "LEAVER", "follower", "2018-01-02");
        Valid("/api/evaluations/{evaluationId}/sites", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["code"] = NewSiteCode,
            ["kind"] = "mentalHealth",
            ["programmeRole"] = "follower",
            ["cohort"] = "Mental health GDE",
            ["region"] = "Midlands",
            ["eprSystem"] = "Rio",
            ["caseDepth"] = "broader",
            ["enrolledOn"] = "2018-02-01",
        });
        Valid("/api/evaluations/{evaluationId}/sites/{siteId}/attributes", changingSite, new JsonObject
        {
            ["effectiveOn"] = "2018-06-01",
            ["kind"] = "specialist",
            ["programmeRole"] = "other",
            ["cohort"] = "Specialist trusts",
            ["region"] = "South",
            ["eprSystem"] = "Epic",
            ["caseDepth"] = "none",
        });
        Valid("/api/evaluations/{evaluationId}/sites/{siteId}/withdrawal", withdrawingSite, new JsonObject
        {
            ["effectiveOn"] = "2018-09-01",
            ["reason"] = "The trust left the programme.",
        });

        // Plans: the first wave's, for two of the sites (a PUT: the same plan again changes nothing).
        Valid("/api/evaluations/{evaluationId}/waves/{waveId}/plan", wave, new JsonObject
        {
            ["sites"] = new JsonArray(
                new JsonObject { ["siteId"] = exemplar1, ["interviews"] = 4, ["observations"] = 2, ["documents"] = 1 },
                new JsonObject { ["siteId"] = follower1, ["visits"] = 2, ["interviews"] = 3 }),
        }, method: "PUT");

        // Pairings: one established pairing for the evidence, exchanges and alignment; one of
        // its own for each request that changes a pairing's life. Each pairs two sites no other
        // open pairing pairs (exemplar 1 and follower 3 are left for the proposal).
        var pairing = await ProposePairing(evaluationId, lead, exemplar1, follower1, "2018-02-01");
        await Change($"pairings/{pairing}/establishment", new { establishedOn = "2018-03-01" });
        var proposedPairing = await ProposePairing(evaluationId, lead, exemplar1, follower2, "2018-02-01");
        var dissolvingPairing = await ProposePairing(evaluationId, lead, exemplar2, follower1, "2018-02-01");
        await Change($"pairings/{dissolvingPairing}/establishment", new { establishedOn = "2018-03-01" });
        // Corrected with every date, so it must have all three.
        var correctedPairing = await ProposePairing(evaluationId, lead, exemplar2, follower2, "2018-02-01");
        await Change($"pairings/{correctedPairing}/establishment", new { establishedOn = "2018-03-01" });
        await Change($"pairings/{correctedPairing}/dissolution", new { dissolvedOn = "2018-06-30", reason = "Merged into a regional network." });
        Valid("/api/evaluations/{evaluationId}/pairings", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["exemplarSiteId"] = exemplar1,
            ["followerSiteId"] = follower3,
            ["proposedOn"] = "2018-02-01",
        });
        Valid("/api/evaluations/{evaluationId}/pairings/{pairingId}/establishment", proposedPairing, new JsonObject
        {
            ["establishedOn"] = "2018-04-01",
        });
        Valid("/api/evaluations/{evaluationId}/pairings/{pairingId}/alignment", pairing, new JsonObject
        {
            ["assessedOn"] = "2018-05-01",
            ["sameSystem"] = true,
            ["sameRegion"] = false,
            ["distanceKm"] = 42.5,
            ["priorLinks"] = true,
            ["culturalFit"] = 4,
            ["note"] = "Both boards back the partnership.",
        });
        Valid("/api/evaluations/{evaluationId}/pairings/{pairingId}/dissolution", dissolvingPairing, new JsonObject
        {
            ["dissolvedOn"] = "2018-09-30",
            ["reason"] = "The follower went live.",
        });
        Valid("/api/evaluations/{evaluationId}/pairings/{pairingId}/corrections", correctedPairing, new JsonObject
        {
            ["proposedOn"] = "2018-02-15",
            ["establishedOn"] = "2018-03-15",
            ["dissolvedOn"] = "2018-07-31",
        });

        // Links.
        Valid("/api/evaluations/{evaluationId}/links", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["siteAId"] = exemplar2,
            ["siteBId"] = follower3,
            ["formedOn"] = "2018-03-10",
            ["note"] = "Their CCIOs meet at the regional forum.",
        });

        // Participants: two to interview (consenting to everything), and one of their own for
        // the consent change and for the withdrawal (which also erases their transcripts).
        var interviewee = await Create("participants", new { pseudonym = "P-01", role = "CCIO", siteId = exemplar1, consent });
        var secondInterviewee = await Create("participants", new { pseudonym = "P-02", role = "Chief nurse", siteId = follower1, consent });
        var consentingParticipant = await Create("participants", new { pseudonym = "P-03", role = "Pharmacist", siteId = exemplar1, consent });
        var withdrawingParticipant = await Create("participants", new { pseudonym = "P-04", role = "Porter", siteId = follower1, consent });
        var reconsentingParticipant = await Create("participants", new { pseudonym = "P-06", role = "Matron", siteId = follower1, consent });
        await Change($"participants/{reconsentingParticipant}/withdrawal", new { effectiveOn = "2018-02-01" });
        Valid("/api/evaluations/{evaluationId}/participants", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["pseudonym"] = "P-05",
            ["role"] = "Clinical safety officer",
            ["siteId"] = exemplar1,
            ["consent"] = new JsonObject
            {
                ["givenOn"] = "2016-01-01",
                ["takePart"] = true,
                ["record"] = true,
                ["quote"] = false,
                ["archive"] = true,
                ["lawfulBasis"] = "publicTask",
                ["informationSheetVersion"] = "v1",
            },
            ["personal"] = new JsonObject { ["name"] = "Alex Example", ["email"] = "alex.example@trust.example" },
        });
        Valid("/api/evaluations/{evaluationId}/participants/{participantId}/consent", consentingParticipant, new JsonObject
        {
            ["effectiveOn"] = "2018-06-01",
            ["takePart"] = true,
            ["record"] = true,
            ["quote"] = false,
            ["archive"] = false,
            ["lawfulBasis"] = "consent",
            ["informationSheetVersion"] = "v2",
        });
        Valid("/api/evaluations/{evaluationId}/participants/{participantId}/reconsent", reconsentingParticipant, new JsonObject
        {
            ["consent"] = new JsonObject
            {
                ["givenOn"] = "2018-09-01",
                ["takePart"] = true,
                ["record"] = true,
                ["quote"] = false,
                ["archive"] = false,
                ["lawfulBasis"] = "consent",
                ["informationSheetVersion"] = "v3",
            },
        });
        Valid("/api/evaluations/{evaluationId}/participants/{participantId}/withdrawal", withdrawingParticipant, new JsonObject
        {
            ["effectiveOn"] = "2018-08-01",
            ["eraseTranscripts"] = true,
        });

        // Evidence: an interview with a transcript to code, and one interview of its own for the
        // new text version (expectedVersion) and for the correction.
        const string transcript = "We went live with the new e-prescribing system in March. The exemplar's team came over twice "
                                  + "and showed us how they had run their clinical safety case; that saved us months of work.";
        var interview = new
        {
            occurredOn = "2018-04-10",
            waveId = wave,
            siteIds = new[] { exemplar1, follower1 },
            pairingId = pairing,
            participantIds = new[] { interviewee, secondInterviewee },
            format = "group",
            mode = "video",
            durationMinutes = 60,
            transcript,
        };
        var codedInterview = await Create("interviews", interview);
        var retextedInterview = await Create("interviews", interview);
        var correctedInterview = await Create("interviews", new
        {
            occurredOn = "2018-04-11",
            siteIds = new[] { exemplar1 },
            participantIds = new[] { interviewee },
            format = "oneToOne",
            mode = "phone",
            durationMinutes = 30,
            transcript,
        });
        Valid("/api/evaluations/{evaluationId}/interviews", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["occurredOn"] = "2018-05-02",
            ["waveId"] = wave,
            ["siteIds"] = Ids(exemplar1, follower1),
            ["pairingId"] = pairing,
            ["participantIds"] = Ids(interviewee, secondInterviewee),
            ["format"] = "group",
            ["mode"] = "inPerson",
            ["durationMinutes"] = 45,
            ["transcript"] = "The follower's pharmacists now run the same order sets as the exemplar's.",
        });
        Valid("/api/evaluations/{evaluationId}/observations", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["occurredOn"] = "2018-05-03",
            ["waveId"] = wave,
            ["siteIds"] = Ids(exemplar1, follower1),
            ["pairingId"] = pairing,
            ["setting"] = "workshop",
            ["durationMinutes"] = 90,
            ["fieldNotes"] = "A joint workshop on order sets; the follower's team brought their own safety hazards log.",
        });
        Valid("/api/evaluations/{evaluationId}/documents", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["capturedOn"] = "2018-05-20",
            ["issuedOn"] = "2018-05-01",
            ["waveId"] = wave,
            ["title"] = "Board paper: EPR benefits realisation",
            ["issuer"] = "Trust board",
            ["documentType"] = "boardPaper",
            ["siteIds"] = Ids(exemplar1),
            ["sourceRef"] = "https://trust.example/board/2018-05/item-7.pdf",
            ["text"] = "The board is asked to note the benefits realised since go-live.",
        });
        // Visits: one with an item of each kind, and one to add an item to.
        Valid("/api/evaluations/{evaluationId}/visits", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["siteIds"] = Ids(exemplar1, follower1),
            ["startsOn"] = "2018-05-02",
            ["endsOn"] = "2018-05-03",
            ["waveId"] = wave,
            ["fieldworkerIds"] = new JsonArray(lead),
            ["purpose"] = "Second-wave case study visit",
            ["notes"] = "Both trusts' CCIOs were available.",
            ["loggedAt"] = "2018-05-04T18:30:00+01:00",
            ["items"] = new JsonArray(
                new JsonObject
                {
                    ["kind"] = "interview",
                    ["id"] = Guid.NewGuid(),
                    ["occurredOn"] = "2018-05-02",
                    ["participantIds"] = Ids(interviewee),
                    ["format"] = "oneToOne",
                    ["mode"] = "inPerson",
                    ["durationMinutes"] = 50,
                    ["transcript"] = "We copied their order sets within a month.",
                },
                new JsonObject
                {
                    ["kind"] = "observation",
                    ["id"] = Guid.NewGuid(),
                    ["occurredOn"] = "2018-05-03",
                    ["setting"] = "meeting",
                    ["durationMinutes"] = 90,
                    ["fieldNotes"] = "The programme board met in the follower's boardroom.",
                },
                new JsonObject
                {
                    ["kind"] = "document",
                    ["id"] = Guid.NewGuid(),
                    ["capturedOn"] = "2018-05-03",
                    ["title"] = "Programme board minutes",
                    ["issuer"] = "Programme board",
                    ["documentType"] = "minutes",
                    ["siteIds"] = Ids(follower1),
                }),
        });
        var visit = await Create("visits", new
        {
            siteIds = new[] { exemplar1 },
            startsOn = "2018-05-10",
            fieldworkerIds = new[] { lead },
            items = Array.Empty<object>(),
        });
        Valid("/api/evaluations/{evaluationId}/visits/{visitId}/items", visit, new JsonObject
        {
            ["kind"] = "observation",
            ["id"] = Guid.NewGuid(),
            ["occurredOn"] = "2018-05-10",
            ["setting"] = "siteVisit",
            ["durationMinutes"] = 120,
            ["loggedAt"] = "2018-05-11T09:00:00Z",
        });
        Valid("/api/evaluations/{evaluationId}/evidence/{evidenceId}/void", await Create("interviews", interview), new JsonObject
        {
            ["reason"] = "Logged twice",
        });
        Valid("/api/evaluations/{evaluationId}/evidence/{evidenceId}/texts", retextedInterview, new JsonObject
        {
            ["text"] = transcript + " (Checked against the recording.)",
            ["expectedVersion"] = 1,
        });
        Valid("/api/evaluations/{evaluationId}/evidence/{evidenceId}/corrections", correctedInterview, new JsonObject
        {
            ["occurredOn"] = "2018-04-12",
            ["waveId"] = wave,
            ["siteIds"] = Ids(exemplar1, follower1),
            ["pairingId"] = pairing,
            ["participantIds"] = Ids(interviewee, secondInterviewee),
            ["format"] = "group",
            ["mode"] = "video",
            ["durationMinutes"] = 40,
        });
        Valid("/api/evaluations/{evaluationId}/pairings/{pairingId}/exchanges", pairing, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["occurredOn"] = "2018-05-15",
            ["direction"] = "mutual",
            ["channel"] = "formal",
            ["topic"] = "Clinical safety case",
            ["evidenceIds"] = Ids(codedInterview),
        });

        // Codebook: a parent for new and moved codes, a code to code with, and one code of its own
        // for the revision (expectedVersion), the retirement and each side of the merge.
        var parentCode = await Create("codebook/codes", new { name = "Leadership", definition = "Who leads the change, and how.", dimension = "Organisation" });
        var codingCode = await Create("codebook/codes", new { name = "Peer support", definition = "Help given by one trust to another." });
        var revisedCode = await Create("codebook/codes", new { name = "Governance", definition = "Boards and committees." });
        var retiredCode = await Create("codebook/codes", new { name = "Miscellaneous", definition = "Anything else." });
        var mergedCode = await Create("codebook/codes", new { name = "Vendor relations", definition = "Dealings with suppliers." });
        var mergeTarget = await Create("codebook/codes", new { name = "Suppliers", definition = "Suppliers and their contracts." });
        Valid("/api/evaluations/{evaluationId}/codebook/codes", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["name"] = "Clinical engagement",
            ["parentId"] = parentCode,
            ["definition"] = "Clinicians taking part in design and roll-out.",
            ["dimension"] = "People",
        });
        Valid("/api/evaluations/{evaluationId}/codebook/codes/{codeId}/revisions", revisedCode, new JsonObject
        {
            ["expectedVersion"] = 1,
            ["name"] = "Governance structures",
            ["definition"] = "Boards, committees and their terms of reference.",
            ["parentId"] = parentCode,
        });
        Valid("/api/evaluations/{evaluationId}/codebook/codes/{codeId}/merge", mergedCode, new JsonObject
        {
            ["intoCodeId"] = mergeTarget,
        });
        Valid("/api/evaluations/{evaluationId}/codebook/codes/{codeId}/retirement", retiredCode, new JsonObject
        {
            ["reason"] = "Too broad to be useful.",
        });

        // Codings: one made here (for a finding's evidence), the request codes another span.
        var coding = await Create($"evidence/{codedInterview}/codings", new { codeId = codingCode, textVersion = 1, start = 0, end = 20 });
        Valid("/api/evaluations/{evaluationId}/evidence/{evidenceId}/codings", codedInterview, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["codeId"] = codingCode,
            ["textVersion"] = 1,
            ["start"] = 25,
            ["end"] = 60,
            ["note"] = "The exemplar's visits.",
        });

        // Memos: one for a finding's evidence, one of its own for the revision (expectedVersion).
        var memo = await Create("memos", new { aboutKind = "evidence", aboutId = codedInterview, text = "Peer support came up unprompted." });
        var revisedMemo = await Create("memos", new { aboutKind = "site", aboutId = exemplar1, text = "A confident exemplar." });
        Valid("/api/evaluations/{evaluationId}/memos", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["aboutKind"] = "code",
            ["aboutId"] = codingCode,
            ["text"] = "Split into formal and informal support?",
        });
        Valid("/api/evaluations/{evaluationId}/memos/{memoId}/revisions", revisedMemo, new JsonObject
        {
            ["expectedVersion"] = 1,
            ["text"] = "A confident exemplar, stretched by its own go-live.",
        });

        // Findings: one of its own for each request that carries expectedVersion (revision,
        // evidence, status), so that none of them moves another's version.
        Task<Guid> Finding(string statement) =>
            Create("findings", new { statement, siteIds = new[] { exemplar1, follower1 }, pairingIds = new[] { pairing }, waveIds = new[] { wave } });
        var revisedFinding = await Finding("Exemplars shortened their followers' safety work.");
        var evidencedFinding = await Finding("Followers reused the exemplars' order sets.");
        var reviewedFinding = await Finding("Pairings worked best within one region.");
        Valid("/api/evaluations/{evaluationId}/findings", null, new JsonObject
        {
            ["id"] = Guid.NewGuid(),
            ["statement"] = "Peer support mattered more than funding.",
            ["siteIds"] = Ids(exemplar1, follower1),
            ["pairingIds"] = Ids(pairing),
            ["waveIds"] = Ids(wave),
        });
        Valid("/api/evaluations/{evaluationId}/findings/{findingId}/revisions", revisedFinding, new JsonObject
        {
            ["expectedVersion"] = 1,
            ["statement"] = "Exemplars shortened their followers' clinical safety work by months.",
        });
        Valid("/api/evaluations/{evaluationId}/findings/{findingId}/evidence", evidencedFinding, new JsonObject
        {
            ["expectedVersion"] = 1,
            ["stance"] = "supporting",
            ["codingIds"] = Ids(coding),
            ["memoIds"] = Ids(memo),
        });
        Valid("/api/evaluations/{evaluationId}/findings/{findingId}/status", reviewedFinding, new JsonObject
        {
            ["expectedVersion"] = 1,
            ["status"] = "underReview",
            ["note"] = "Ready for the steering group.",
        });

        return new World(evaluationId, other, lead, valid);
    }
}
