using System.Net;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Participants;

public sealed class when_a_participant_withdraws(AppFixture app) : ApiTest(app)
{
    private sealed record Study(string Lead, string Url, Guid Participant, Guid Other, Guid Interview, Guid Coding, Guid Finding, string Name,
        string Email, string Sentence);

    private async Task<Study> SetUp()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        var site = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var unique = Guid.NewGuid().ToString("N");
        var name = $"Alexandra Quintessa {unique[..8]}";
        var email = $"a.quintessa.{unique[..8]}@trust.example";
        var sentence = $"I told the board the go-live date was fantasy {unique}.";
        async Task<Guid> Participant(string pseudonym, object? personal) =>
            (await Post($"{url}/participants", lead, new
            {
                pseudonym,
                role = "CNIO",
                siteId = site,
                personal,
                consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
            })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var participant = await Participant("P-101", new { name, email });
        var other = await Participant("P-102", new { name = $"Other person {unique[..8]}" });
        var interview = (await Post($"{url}/interviews", lead, new
        {
            occurredOn = "2018-03-05",
            siteIds = new[] { site },
            participantIds = new[] { participant, other },
            format = "group",
            mode = "inPerson",
            durationMinutes = 40,
            transcript = sentence,
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var code = (await Post($"{url}/codebook/codes", lead, new { name = "Go-live", definition = "Go-live planning" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var coding = (await Post($"{url}/evidence/{interview}/codings", lead, new { codeId = code, textVersion = 1, start = 2, end = 26 }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var finding = (await Post($"{url}/findings", lead, new { statement = "Go-live dates were set without clinical input." }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Post($"{url}/findings/{finding}/evidence", lead, new { expectedVersion = 1, stance = "supporting", codingIds = new[] { coding } }))
            .ShouldBe(HttpStatusCode.OK);
        return new Study(lead, url, participant, other, interview, coding, finding, name, email, sentence);
    }

    [Fact]
    public async Task withdrawal_with_erasure_leaves_no_plaintext_anywhere_and_flags_what_quoted_it()
    {
        var s = await SetUp();
        Assert.Equal(s.Name, (await Get($"{s.Url}/participants/{s.Participant}", s.Lead)).Json["personal"]!["name"]!.GetValue<string>());
        var before = Uri.EscapeDataString((await App.EventsOfStreamAsync(s.Participant))[^1].Timestamp.ToString("O"));
        var dump = await App.DatabaseTextAsync();
        Assert.DoesNotContain(s.Name, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Sentence, dump, StringComparison.Ordinal);

        var withdrawn = (await Post($"{s.Url}/participants/{s.Participant}/withdrawal", s.Lead, new { eraseTranscripts = true }))
            .ShouldBe(HttpStatusCode.OK).Json;
        Assert.True(withdrawn["personalErased"]!.GetValue<bool>());
        Assert.True(withdrawn["transcriptsErased"]!.GetValue<bool>());
        Assert.Null(withdrawn["personal"]);
        var events = await App.EventCountAsync();
        (await Post($"{s.Url}/participants/{s.Participant}/withdrawal", s.Lead, new { eraseTranscripts = true })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(events, await App.EventCountAsync());

        dump = await App.DatabaseTextAsync();
        Assert.DoesNotContain(s.Name, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Email, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Sentence, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Sentence[2..26], dump, StringComparison.Ordinal);

        var read = (await Get($"{s.Url}/participants/{s.Participant}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Null(read["personal"]);
        Assert.False(read["consent"]!["takePart"]!.GetValue<bool>());
        var replay = (await Get($"{s.Url}/participants/{s.Participant}?knownAt={before}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.True(replay["consent"]!["takePart"]!.GetValue<bool>());
        Assert.True(replay["personalErased"]!.GetValue<bool>());
        Assert.Null(replay["personal"]);

        var text = (await Get($"{s.Url}/evidence/{s.Interview}", s.Lead)).Json["texts"]![0]!;
        Assert.True(text["erased"]!.GetValue<bool>());
        Assert.Null(text["text"]);
        var coding = (await Get($"{s.Url}/evidence/{s.Interview}/codings/{s.Coding}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, coding["start"]!.GetValue<int>());
        Assert.Null(coding["quote"]);
        Assert.True(coding["quoteErased"]!.GetValue<bool>());
        var provenance = (await Get($"{s.Url}/findings/{s.Finding}/provenance", s.Lead)).Json;
        var flags = provenance["evidence"]![0]!["flags"]!.AsArray().Select(f => f!["kind"]!.GetValue<string>()).ToList();
        Assert.Contains("quoteErased", flags);
        Assert.Contains("participantWithdrew", flags);
        Assert.DoesNotContain(s.Sentence[2..26], (await Get($"{s.Url}/findings/{s.Finding}/provenance?format=prov-json", s.Lead)).Body);

        await App.Host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        Assert.True((await Get("/api/audit/verify", s.Lead)).ShouldBe(HttpStatusCode.OK).Json["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task erasure_is_final_for_new_material_and_blocks_reporting_what_rests_on_it()
    {
        var s = await SetUp();
        var finding = $"{s.Url}/findings/{s.Finding}";
        (await Post($"{finding}/status", s.Lead, new { expectedVersion = 2, status = "underReview" })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{finding}/status", s.Lead, new { expectedVersion = 3, status = "accepted" })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{s.Url}/participants/{s.Participant}/withdrawal", s.Lead, new { eraseTranscripts = true })).ShouldBe(HttpStatusCode.OK);
        var code = (await Post($"{s.Url}/codebook/codes", s.Lead, new { name = "After", definition = "Coded after the withdrawal" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var events = await App.EventCountAsync();

        // No new coding on the erased text, no new text version of the item, no new transcript naming them.
        var coding = (await Post($"{s.Url}/evidence/{s.Interview}/codings", s.Lead, new { codeId = code, textVersion = 1, start = 0, end = 5 }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("P-101", coding.Json["detail"]!.GetValue<string>());
        (await Post($"{s.Url}/evidence/{s.Interview}/texts", s.Lead, new { expectedVersion = 1, text = "A fresh transcript." }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        var sites = (await Get($"{s.Url}/sites", s.Lead)).Json["items"]!.AsArray().Select(x => x!["id"]!.GetValue<Guid>()).ToArray();
        object Interview(string? transcript) => new
        {
            occurredOn = "2018-04-01",
            siteIds = sites,
            participantIds = new[] { s.Participant },
            format = "oneToOne",
            mode = "inPerson",
            durationMinutes = 30,
            transcript,
        };
        var transcript = (await Post($"{s.Url}/interviews", s.Lead, Interview("What they said then."))).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("erased", transcript.Json["detail"]!.GetValue<string>());
        // Reporting rests on their words: refused, naming the coding, until it is unlinked.
        var report = (await Post($"{finding}/status", s.Lead, new { expectedVersion = 4, status = "reported" })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains(s.Coding.ToString(), report.Json["detail"]!.GetValue<string>());
        Assert.Equal(events, await App.EventCountAsync());

        // The bare fact of an earlier interview may still be logged.
        (await Post($"{s.Url}/interviews", s.Lead, Interview(null))).ShouldBe(HttpStatusCode.Created);
        (await Delete($"{finding}/evidence/{s.Coding}?expectedVersion=4", s.Lead)).ShouldBe(HttpStatusCode.OK);
        (await Post($"{finding}/status", s.Lead, new { expectedVersion = 5, status = "reported" })).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task withdrawal_without_erasure_keeps_transcripts_until_erasure_is_asked_for()
    {
        var s = await SetUp();
        var url = $"{s.Url}/participants/{s.Participant}/withdrawal";
        var withdrawn = (await Post(url, s.Lead, new { effectiveOn = "2019-06-01" })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2019-06-01", withdrawn["withdrawnOn"]!.GetValue<string>());
        Assert.False(withdrawn["transcriptsErased"]!.GetValue<bool>());
        Assert.Equal(s.Sentence, (await Get($"{s.Url}/evidence/{s.Interview}", s.Lead)).Json["texts"]![0]!["text"]!.GetValue<string>());
        Assert.Null((await Get($"{s.Url}/participants/{s.Participant}", s.Lead)).Json["personal"]);
        Assert.True((await Get($"{s.Url}/participants/{s.Participant}?asOf=2019-01-01", s.Lead)).Json["consent"]!["takePart"]!.GetValue<bool>());

        (await Post(url, s.Lead, new { eraseTranscripts = true })).ShouldBe(HttpStatusCode.OK);
        Assert.True((await Get($"{s.Url}/evidence/{s.Interview}", s.Lead)).Json["texts"]![0]!["erased"]!.GetValue<bool>());
        // The other participant's personal details are untouched.
        Assert.NotNull((await Get($"{s.Url}/participants/{s.Other}", s.Lead)).Json["personal"]);
    }

    [Fact]
    public async Task only_leads_withdraw_and_unknown_participants_are_404()
    {
        var s = await SetUp();
        var analyst = NewUser("analyst");
        var evaluation = Guid.Parse(s.Url.Split('/')[^1]);
        await AddMember(evaluation, s.Lead, analyst, "analyst");
        var before = await App.EventCountAsync();
        (await Post($"{s.Url}/participants/{s.Participant}/withdrawal", analyst, new { eraseTranscripts = true })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Post($"{s.Url}/participants/{Guid.NewGuid()}/withdrawal", s.Lead, new { })).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Post($"{s.Url}/participants/{s.Participant}/withdrawal", s.Lead, new { effectiveOn = "1999-01-01" }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "effectiveOn");
        (await Post($"{s.Url}/participants/{s.Participant}/withdrawal", s.Lead, "{ nope")).ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal(before, await App.EventCountAsync());
        Assert.NotNull((await Get($"{s.Url}/participants/{s.Participant}", s.Lead)).Json["personal"]);
    }

    [Fact]
    public async Task reads_of_personal_details_are_on_the_record_for_leads_and_auditors()
    {
        var s = await SetUp();
        var auditor = NewUser("auditor");
        var analyst = NewUser("analyst");
        var evaluation = Guid.Parse(s.Url.Split('/')[^1]);
        await AddMember(evaluation, s.Lead, auditor, "auditor");
        await AddMember(evaluation, s.Lead, analyst, "analyst");
        var disclosures = $"{s.Url}/participants/{s.Participant}/disclosures";
        Assert.Equal(0, (await Get(disclosures, auditor)).ShouldBe(HttpStatusCode.OK).Json["total"]!.GetValue<int>());

        await Get($"{s.Url}/participants/{s.Participant}", s.Lead);
        await Get($"{s.Url}/participants/{s.Participant}", s.Lead);
        Assert.Null((await Get($"{s.Url}/participants/{s.Participant}", analyst)).Json["personal"]);
        var reads = (await Get(disclosures, auditor)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, reads["total"]!.GetValue<int>());
        Assert.All(reads["items"]!.AsArray(), r => Assert.Equal(s.Lead, r!["readerId"]!.GetValue<string>()));
        (await Get(disclosures, analyst)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Get($"{s.Url}/participants/{Guid.NewGuid()}/disclosures", auditor)).ShouldBeProblem(HttpStatusCode.NotFound);
    }
}
