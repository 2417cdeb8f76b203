using System.Net;
using Fieldwork.Tests.Infrastructure;

namespace Fieldwork.Tests.Resilience;

/// <summary>
/// A client that never saw an answer sends its create again with the same id: three times in a
/// row, or three copies at once. Whatever the route, one item results, written once, and every
/// copy gets the first answer.
/// </summary>
public sealed class when_a_client_retries(AppFixture app) : ApiTest(app)
{
    public static TheoryData<string> Routes => ["sites", "waves", "participants", "interviews", "observations", "codes", "codings", "findings", "memos"];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task three_retries_in_a_row_leave_one_item(string route)
    {
        var (url, body, lead, id) = await RequestAsync(route);
        var answers = new List<Reply>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await Post(url, lead, body));
        }

        AllTheSame(answers);
        Assert.Equal(1, await WritesOfAsync(id));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task three_copies_at_once_leave_one_item(string route)
    {
        var (url, body, lead, id) = await RequestAsync(route);
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Post(url, lead, body)));
        AllTheSame(answers);
        Assert.Equal(1, await WritesOfAsync(id));
    }

    private static void AllTheSame(IReadOnlyList<Reply> answers)
    {
        foreach (var answer in answers)
        {
            answer.ShouldBe(HttpStatusCode.Created);
            Assert.Equal(answers[0].Response.Headers.Location, answer.Response.Headers.Location);
            Assert.Equal(answers[0].Body, answer.Body);
        }
    }

    /// <summary>How many events carry this id as the item they create (the creation event names it).</summary>
    private async Task<int> WritesOfAsync(Guid id)
    {
        var text = id.ToString();
        await using var connection = new Npgsql.NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select count(*) from fieldwork.mt_events where type <> '$tombstone' " +
            "and (stream_id = @id and version = 1 or data->>'codingId' = @text or data->>'waveId' = @text " +
            "or type = 'code_defined' and data->>'codeId' = @text)",
            connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("text", text);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A create request for <paramref name="route"/> with a client-chosen id, in an evaluation of its own.</summary>
    private async Task<(string Url, object Body, string Lead, Guid Id)> RequestAsync(string route)
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var root = $"/api/evaluations/{evaluation}";
        var id = Guid.NewGuid();
        if (route == "sites")
        {
            return ($"{root}/sites", new
            {
                id,
                code = "RT1",
                kind = "acute",
                programmeRole = "exemplar",
                cohort = "Acute GDE wave 1",
                region = "North",
                eprSystem = "Cerner",
                caseDepth = "inDepth",
                enrolledOn = "2017-01-01",
            }, lead, id);
        }

        if (route == "waves")
        {
            return ($"{root}/waves", new { id, name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" }, lead, id);
        }

        var site = await EnrolSite(evaluation, lead, "EX1", "exemplar", "2016-09-01");
        if (route == "participants")
        {
            return ($"{root}/participants", new
            {
                id,
                pseudonym = "P01",
                role = "Chief nursing information officer",
                siteId = site,
                consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = false, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
            }, lead, id);
        }

        if (route == "codes")
        {
            return ($"{root}/codebook/codes", new { id, name = "Workarounds", definition = "Ways round the system", dimension = "technology" }, lead, id);
        }

        if (route == "findings")
        {
            return ($"{root}/findings", new { id, statement = "Buddying helped followers most early on.", siteIds = new[] { site } }, lead, id);
        }

        if (route == "memos")
        {
            return ($"{root}/memos", new { id, aboutKind = "site", aboutId = site, text = "Leadership changed twice." }, lead, id);
        }

        var wave = (await Post($"{root}/waves", lead, new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var observation = new { id, occurredOn = "2018-03-05", waveId = wave, siteIds = new[] { site }, setting = "meeting", durationMinutes = 60, fieldNotes = "Ward round with the CNIO." };
        if (route == "observations")
        {
            return ($"{root}/observations", observation, lead, id);
        }

        if (route == "interviews")
        {
            var participant = (await Post($"{root}/participants", lead, new
            {
                pseudonym = "P01",
                role = "CNIO",
                siteId = site,
                consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = false, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
            })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
            return ($"{root}/interviews", new
            {
                id,
                occurredOn = "2018-03-05",
                waveId = wave,
                siteIds = new[] { site },
                participantIds = new[] { participant },
                format = "oneToOne",
                mode = "video",
                durationMinutes = 45,
                transcript = "Interviewer: How did go-live go?\nRespondent: Better than we feared.",
            }, lead, id);
        }

        // codings
        var evidence = (await Post($"{root}/observations", lead, observation with { id = Guid.NewGuid() }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var code = (await Post($"{root}/codebook/codes", lead, new { name = "Leadership", definition = "Who leads", dimension = "people" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        return ($"{root}/evidence/{evidence}/codings", new { id, codeId = code, textVersion = 1, start = 0, end = 9 }, lead, id);
    }
}
