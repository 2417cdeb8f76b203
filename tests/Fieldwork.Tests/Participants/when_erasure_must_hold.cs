using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Fieldwork.Evidence;
using Fieldwork.Idempotency;
using Fieldwork.Participants;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Participants;

/// <summary>
/// Erasure that holds against someone who reads the database (or a dump of it), and that no
/// later write undoes: no key beside the ciphertext, no unkeyed fingerprint of what was erased,
/// no new key for erased material, no correction that links a withdrawn participant, consent
/// given again only by a lead, and withdrawals serialised with the writes that make keys.
/// </summary>
public sealed partial class when_erasure_must_hold(AppFixture app) : ApiTest(app)
{
    private static readonly object Consent = new
    {
        givenOn = "2016-01-01",
        takePart = true,
        record = true,
        quote = true,
        archive = true,
        lawfulBasis = "publicTask",
        informationSheetVersion = "v1",
    };

    private sealed record Study(string Lead, string Url, Guid Site);

    private async Task<Study> NewStudy()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        return new Study(lead, $"/api/evaluations/{evaluation}", await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01"));
    }

    private async Task<Guid> Participant(Study s, string pseudonym, object? personal = null, Guid? id = null) =>
        (await Post($"{s.Url}/participants", s.Lead, new { id, pseudonym, role = "CNIO", siteId = s.Site, personal, consent = Consent }))
        .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

    private Task<Reply> Interview(Study s, Guid[] participants, string? transcript, string on = "2018-03-05") =>
        Post($"{s.Url}/interviews", s.Lead, new
        {
            occurredOn = on,
            siteIds = new[] { s.Site },
            participantIds = participants,
            format = participants.Length == 1 ? "oneToOne" : "group",
            mode = "inPerson",
            durationMinutes = 40,
            transcript,
        });

    /// <summary>Every unkeyed digest a reader could compute from a guess, in hex and base64.</summary>
    private static IEnumerable<string> Digests(string guess)
    {
        foreach (var variant in new[] { guess, guess.ToLowerInvariant(), guess.Trim() }.Distinct())
        {
            var bytes = Encoding.UTF8.GetBytes(variant);
            foreach (var digest in new[] { SHA256.HashData(bytes), SHA1.HashData(bytes), MD5.HashData(bytes), SHA512.HashData(bytes) })
            {
                yield return Convert.ToHexStringLower(digest);
                yield return Convert.ToHexString(digest);
                yield return Convert.ToBase64String(digest);
            }
        }
    }

    /// <summary>A JSON string that is exactly 32 bytes in base64: how a key stored in a document would look.</summary>
    [GeneratedRegex("\"([A-Za-z0-9+/]{43}=)\"")]
    private static partial Regex ThirtyTwoBytesInBase64();

    [Fact]
    public async Task a_dump_holds_no_key_that_opens_what_it_seals_and_after_erasure_no_digest_of_it()
    {
        var s = await NewStudy();
        var unique = Guid.NewGuid().ToString("N")[..10];
        var name = $"Philippa Ormsby {unique}";
        var email = $"p.ormsby.{unique}@trust.example";
        var transcript = $"The board never saw the clinical safety case {unique}.";
        var participant = await Participant(s, "P-201", new { name, email });
        var interview = (await Interview(s, [participant], transcript)).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        // Before any withdrawal: no 32-byte key anywhere in the database opens the transcript or the details.
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.QuerySession())
        {
            var sealedText = (await session.Events.FetchStreamAsync(interview)).Select(e => e.Data).OfType<TextVersionAdded>().Single().Sealed!;
            var sealedDetails = (await session.LoadAsync<ParticipantTimeline>(participant))!.Personal!;
            var candidates = ThirtyTwoBytesInBase64().Matches(await App.DatabaseTextAsync()).Select(m => m.Groups[1].Value).Distinct().ToList();
            foreach (var candidate in candidates)
            {
                var key = Convert.FromBase64String(candidate);
                Assert.ThrowsAny<CryptographicException>(() => TextVault.Open(new TextSecret(interview, key), 1, sealedText));
                Assert.ThrowsAny<CryptographicException>(() => PersonalDetailsVault.Open(key, participant, sealedDetails));
            }

            var textKey = (await session.LoadAsync<TextKey>(interview))!;
            Assert.Empty(textKey.Key);
            Assert.NotEmpty(textKey.Wrapped);
        }

        (await Post($"{s.Url}/participants/{participant}/withdrawal", s.Lead, new { eraseTranscripts = true })).ShouldBe(HttpStatusCode.OK);

        var dump = await App.DatabaseTextAsync();
        foreach (var secret in new[] { name, email, transcript })
        {
            // Ordinal: a culture-aware search of a whole database's text takes minutes.
            Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
            foreach (var digest in Digests(secret))
            {
                Assert.DoesNotContain(digest, dump, StringComparison.Ordinal);
            }
        }

        // Erasure reaches the idempotency records: what they kept of the sealed parts is gone.
        await using (var session = store.QuerySession())
        {
            foreach (var id in new[] { participant, interview })
            {
                var record = (await session.LoadAsync<CreationRecord>(id))!;
                Assert.Null(record.SealedHash);
                Assert.True(record.Keyed);
            }

            Assert.True((await session.LoadAsync<TextKey>(interview))!.Erased);
            Assert.True((await session.LoadAsync<ParticipantKey>(participant))!.Erased);
        }
    }

    [Fact]
    public async Task a_registration_repeated_after_erasure_answers_as_before_and_another_one_under_its_id_is_refused()
    {
        var s = await NewStudy();
        var id = Guid.NewGuid();
        var personal = new { name = "Quentin Lamb", email = "q.lamb@trust.example" };
        await Participant(s, "P-301", personal, id);
        (await Post($"{s.Url}/participants/{id}/withdrawal", s.Lead, new { eraseTranscripts = true })).ShouldBe(HttpStatusCode.OK);
        var events = await App.EventCountAsync();

        // A sync repeating the registration after the erasure: nothing left to compare the details with, the rest matches.
        (await Post($"{s.Url}/participants", s.Lead, new { id, pseudonym = "P-301", role = "CNIO", siteId = s.Site, personal, consent = Consent }))
            .ShouldBe(HttpStatusCode.Created);
        (await Post($"{s.Url}/participants", s.Lead, new { id, pseudonym = "P-999", role = "CNIO", siteId = s.Site, personal, consent = Consent }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal(events, await App.EventCountAsync());
    }

    [Fact]
    public async Task an_erased_interview_never_gets_a_new_key_even_once_the_withdrawn_participant_is_corrected_away()
    {
        var s = await NewStudy();
        var leaving = await Participant(s, "P-401");
        var staying = await Participant(s, "P-402");
        var interview = (await Interview(s, [leaving, staying], "Both of us were there.")).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Post($"{s.Url}/participants/{leaving}/withdrawal", s.Lead, new { eraseTranscripts = true })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{s.Url}/evidence/{interview}/corrections", s.Lead, new { participantIds = new[] { staying }, format = "oneToOne" }))
            .ShouldBe(HttpStatusCode.OK);
        var events = await App.EventCountAsync();

        var refused = (await Post($"{s.Url}/evidence/{interview}/texts", s.Lead, new { expectedVersion = 1, text = "Only my words this time." }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("erased", refused.Json["detail"]!.GetValue<string>());
        Assert.Equal(events, await App.EventCountAsync());
        var texts = (await Get($"{s.Url}/evidence/{interview}", s.Lead)).Json["texts"]!.AsArray();
        Assert.True(Assert.Single(texts)!["erased"]!.GetValue<bool>());
    }

    [Fact]
    public async Task no_correction_links_a_participant_who_has_withdrawn()
    {
        var s = await NewStudy();
        var first = await Participant(s, "P-501");
        var withdrawn = await Participant(s, "P-502");
        var interview = (await Interview(s, [first], "What I said.", on: "2018-03-05")).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Post($"{s.Url}/participants/{withdrawn}/withdrawal", s.Lead, new { effectiveOn = "2019-01-01" })).ShouldBe(HttpStatusCode.OK);
        var events = await App.EventCountAsync();

        // Their consent held on the interview's date, but they have withdrawn since: no new link to them.
        var refused = (await Post($"{s.Url}/evidence/{interview}/corrections", s.Lead, new { participantIds = new[] { first, withdrawn }, format = "group" }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("P-502", refused.Json["detail"]!.GetValue<string>());
        Assert.Equal(events, await App.EventCountAsync());
        await using var session = App.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.DoesNotContain(withdrawn, (await session.LoadAsync<TextKey>(interview))!.ParticipantIds);
    }

    [Fact]
    public async Task after_a_withdrawal_only_a_leads_re_consent_changes_consent_and_erased_material_stays_erased()
    {
        var s = await NewStudy();
        var evaluation = Guid.Parse(s.Url.Split('/')[^1]);
        var fieldworker = NewUser("fieldworker");
        await AddMember(evaluation, s.Lead, fieldworker, "fieldworker");
        var participant = await Participant(s, "P-601");
        (await Post($"{s.Url}/participants/{participant}/withdrawal", s.Lead, new { effectiveOn = "2018-06-01", eraseTranscripts = true }))
            .ShouldBe(HttpStatusCode.OK);
        var change = new { effectiveOn = "2019-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "consent", informationSheetVersion = "v2" };
        var events = await App.EventCountAsync();
        (await Post($"{s.Url}/participants/{participant}/consent", fieldworker, change)).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{s.Url}/participants/{participant}/consent", s.Lead, change)).ShouldBeProblem(HttpStatusCode.Conflict);
        object Again(string givenOn, bool takePart = true) => new
        {
            consent = new { givenOn, takePart, record = true, quote = false, archive = false, lawfulBasis = "consent", informationSheetVersion = "v3" },
        };
        (await Post($"{s.Url}/participants/{participant}/reconsent", fieldworker, Again("2019-01-01"))).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Post($"{s.Url}/participants/{participant}/reconsent", s.Lead, Again("2018-05-01"))).ShouldBeProblem(HttpStatusCode.BadRequest, "consent.givenOn");
        (await Post($"{s.Url}/participants/{participant}/reconsent", s.Lead, Again("2019-01-01", takePart: false)))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "consent.takePart");
        (await Post($"{s.Url}/participants/{participant}/reconsent", s.Lead, new { consent = new { givenOn = "2019-01-01" } }))
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal(events, await App.EventCountAsync());

        var read = (await Post($"{s.Url}/participants/{participant}/reconsent", s.Lead, Again("2019-01-01"))).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2019-01-01", read["reconsentedOn"]!.GetValue<string>());
        Assert.Null(read["withdrawnOn"]);
        Assert.True(read["personalErased"]!.GetValue<bool>());
        Assert.True(read["consent"]!["takePart"]!.GetValue<bool>());
        var afterOne = await App.EventCountAsync();
        (await Post($"{s.Url}/participants/{participant}/reconsent", s.Lead, Again("2019-01-01"))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(afterOne, await App.EventCountAsync());

        // Material from the new consent on may be kept; what the erasure covered may not come back.
        (await Interview(s, [participant], "Said after consenting again.", on: "2019-02-01")).ShouldBe(HttpStatusCode.Created);
        (await Interview(s, [participant], "Said before withdrawing.", on: "2018-03-01")).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post($"{s.Url}/participants/{participant}/consent", fieldworker, change with { effectiveOn = "2019-06-01" }))
            .ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_withdrawal_racing_new_transcripts_leaves_none_of_them_readable()
    {
        var s = await NewStudy();
        for (var round = 0; round < 8; round++)
        {
            var participant = await Participant(s, $"P-7{round:00}");
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writes = Enumerable.Range(0, 4).Select(async i =>
            {
                await start.Task;
                return await Interview(s, [participant], $"Round {round}, transcript {i}.");
            }).ToList();
            var withdrawal = Task.Run(async () =>
            {
                await start.Task;
                return await Post($"{s.Url}/participants/{participant}/withdrawal", s.Lead, new { eraseTranscripts = true });
            });
            start.SetResult();
            (await withdrawal).ShouldBe(HttpStatusCode.OK);
            foreach (var write in writes)
            {
                var reply = await write;
                if (reply.Status == HttpStatusCode.Created)
                {
                    // It committed before the withdrawal: the sweep reached its key.
                    var id = reply.Json["id"]!.GetValue<Guid>();
                    var text = (await Get($"{s.Url}/evidence/{id}", s.Lead)).Json["texts"]!.AsArray().Single()!;
                    Assert.True(text["erased"]!.GetValue<bool>(), $"round {round}: a transcript logged while its participant withdrew is still readable");
                }
                else
                {
                    reply.ShouldBeProblem(HttpStatusCode.Conflict);
                }
            }
        }
    }
}
