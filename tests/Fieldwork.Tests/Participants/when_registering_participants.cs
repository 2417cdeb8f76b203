using System.Net;
using Fieldwork.Participants;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Participants;

public sealed class when_registering_participants(AppFixture app) : ApiTest(app)
{
    private static object Consent(bool quote = true) => new
    {
        givenOn = "2016-01-01",
        takePart = true,
        record = true,
        quote,
        archive = false,
        lawfulBasis = "publicTask",
        informationSheetVersion = "v2.1",
    };

    [Fact]
    public async Task consent_has_a_date_and_nothing_of_the_participant_may_be_dated_before_it()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        var site = await EnrolSite(evaluation, lead, "GDE1");
        var consent = new { givenOn = "2018-02-01", takePart = true, record = true, quote = true, archive = false, lawfulBasis = "publicTask", informationSheetVersion = "v1" };
        var id = (await Post($"{url}/participants", lead, new { pseudonym = "P-020", role = "Nurse", siteId = site, consent }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

        // Before consent was given there was no participant to speak of; after it, the consent and its date.
        (await Get($"{url}/participants/{id}?asOf=2010-01-01", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Get($"{url}/participants/{id}?asOf=2018-01-31", lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        var read = (await Get($"{url}/participants/{id}?asOf=2018-02-01", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2018-02-01", read["consentGivenOn"]!.GetValue<string>());
        Assert.True(read["consent"]!["takePart"]!.GetValue<bool>());

        object Interview(string occurredOn) => new
        {
            occurredOn,
            siteIds = new[] { site },
            participantIds = new[] { id },
            format = "oneToOne",
            mode = "inPerson",
            durationMinutes = 40,
            transcript = "We talked about the order sets.",
        };
        var before = await App.EventCountAsync();
        var refused = (await Post($"{url}/interviews", lead, Interview("2018-01-20"))).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("P-020", refused.Json["detail"]!.GetValue<string>());
        Assert.Contains("2018-02-01", refused.Json["detail"]!.GetValue<string>());
        Assert.Contains("2018-01-20", refused.Json["detail"]!.GetValue<string>());
        Assert.Equal(before, await App.EventCountAsync());
        (await Post($"{url}/interviews", lead, Interview("2018-02-01"))).ShouldBe(HttpStatusCode.Created);

        var undated = new { takePart = true, record = true, quote = true, archive = false, lawfulBasis = "publicTask", informationSheetVersion = "v1" };
        (await Post($"{url}/participants", lead, new { pseudonym = "P-021", role = "Nurse", consent = undated }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "consent.givenOn");
    }

    [Fact]
    public async Task personal_details_are_for_leads_only_and_never_stored_in_plaintext()
    {
        var lead = NewUser("lead");
        var analyst = NewUser("analyst");
        var evaluation = await CreateEvaluation(lead);
        await AddMember(evaluation, lead, analyst, "analyst");
        var site = await EnrolSite(evaluation, lead, "GDE1");
        var name = $"Imogen Testperson {Guid.NewGuid():N}";
        var email = $"imogen.{Guid.NewGuid():N}@example.org";

        var created = (await Post($"/api/evaluations/{evaluation}/participants", lead, new
        {
            pseudonym = "P-017",
            role = "Chief Clinical Information Officer",
            siteId = site,
            consent = Consent(),
            personal = new { name, email },
        })).ShouldBe(HttpStatusCode.Created);
        var id = created.Json["id"]!.GetValue<Guid>();

        var forLead = (await Get($"/api/evaluations/{evaluation}/participants/{id}", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(name, forLead["personal"]!["name"]!.GetValue<string>());
        Assert.Equal(email, forLead["personal"]!["email"]!.GetValue<string>());
        Assert.Equal("P-017", forLead["pseudonym"]!.GetValue<string>());
        Assert.Equal("publicTask", forLead["consent"]!["lawfulBasis"]!.GetValue<string>());

        var forAnalyst = (await Get($"/api/evaluations/{evaluation}/participants/{id}", analyst)).ShouldBe(HttpStatusCode.OK);
        Assert.Null(forAnalyst.Json["personal"]);
        Assert.DoesNotContain(name, forAnalyst.Body);
        var list = (await Get($"/api/evaluations/{evaluation}/participants", lead)).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain(name, list.Body);
        Assert.Single(list.Json["items"]!.AsArray());

        var everything = await App.DatabaseTextAsync();
        Assert.Contains("P-017", everything);
        Assert.DoesNotContain(name, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(email, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task consent_changes_take_effect_from_their_date()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var id = (await Post($"/api/evaluations/{evaluation}/participants", lead, new { pseudonym = "P-001", role = "Nurse", consent = Consent() }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var changed = (await Post($"/api/evaluations/{evaluation}/participants/{id}/consent", lead, new
        {
            effectiveOn = "2019-07-01",
            takePart = true,
            record = false,
            quote = false,
            archive = false,
            lawfulBasis = "publicTask",
            informationSheetVersion = "v3",
        })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.False(changed["consent"]!["quote"]!.GetValue<bool>());
        Assert.Equal(2, changed["version"]!.GetValue<int>());

        var before = (await Get($"/api/evaluations/{evaluation}/participants/{id}?asOf=2019-06-30", lead)).Json;
        Assert.True(before["consent"]!["quote"]!.GetValue<bool>());
        Assert.Equal("v2.1", before["consent"]!["informationSheetVersion"]!.GetValue<string>());
        var after = (await Get($"/api/evaluations/{evaluation}/participants/{id}?asOf=2019-07-01", lead)).Json;
        Assert.False(after["consent"]!["record"]!.GetValue<bool>());
    }

    [Fact]
    public async Task a_registration_is_validated_and_writes_nothing_when_bad()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}/participants";
        var before = await App.EventCountAsync();
        var keys = await App.DocumentCountAsync<ParticipantKey>();

        (await Post(url, lead, new { pseudonym = "", role = "Nurse" })).ShouldBeProblem(HttpStatusCode.BadRequest, "pseudonym", "consent");
        (await Post(url, lead, new { pseudonym = "P", role = "Nurse", consent = new { givenOn = "2016-01-01", takePart = true } }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "consent.quote", "consent.lawfulBasis");
        (await Post(url, lead, new { pseudonym = "P", role = "Nurse", consent = Consent(), personal = new { name = "X", email = "not an email" } }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "personal.email");
        (await Post(url, lead, new { pseudonym = "P", role = "Nurse", siteId = Guid.NewGuid(), consent = Consent() }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "siteId");
        (await Post($"{url}/{Guid.NewGuid()}/consent", lead, new
        {
            effectiveOn = "2019-07-01",
            takePart = true,
            record = false,
            quote = false,
            archive = false,
            lawfulBasis = "publicTask",
            informationSheetVersion = "v3",
        })).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(before, await App.EventCountAsync());
        Assert.Equal(keys, await App.DocumentCountAsync<ParticipantKey>());
    }

    [Fact]
    public void sealed_details_open_only_with_their_own_key_and_participant()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var id = Guid.NewGuid();
        var sealedDetails = PersonalDetailsVault.Seal(key, id, new PersonalDetails("Ada Example", "ada@example.org"));
        Assert.Equal("Ada Example", PersonalDetailsVault.Open(key, id, sealedDetails).Name);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => PersonalDetailsVault.Open(key, Guid.NewGuid(), sealedDetails));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            PersonalDetailsVault.Open(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), id, sealedDetails));
    }

    [Fact]
    public async Task consent_is_given_by_the_end_of_the_evaluation_and_withdrawn_no_earlier_than_it_was_given()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}/participants";
        object Consent(string givenOn) =>
            new { givenOn, takePart = true, record = true, quote = true, archive = false, lawfulBasis = "publicTask", informationSheetVersion = "v1" };
        var before = await App.EventCountAsync();
        (await Post(url, lead, new { pseudonym = "P-030", role = "Nurse", consent = Consent("2021-10-01") }))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "consent.givenOn");
        Assert.Equal(before, await App.EventCountAsync());

        var id = (await Post(url, lead, new { pseudonym = "P-031", role = "Nurse", consent = Consent("2018-02-01") }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var early = (await Post($"{url}/{id}/withdrawal", lead, new { effectiveOn = "2018-01-31" })).ShouldBeProblem(HttpStatusCode.BadRequest, "effectiveOn");
        Assert.Equal("P-031 gave consent on 2018-02-01: a withdrawal is effective on or after it.", early.Json["errors"]!["effectiveOn"]![0]!.GetValue<string>());
        var withdrawn = (await Post($"{url}/{id}/withdrawal", lead, new { effectiveOn = "2018-02-01" })).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("2018-02-01", withdrawn["withdrawnOn"]!.GetValue<string>());
    }
}

