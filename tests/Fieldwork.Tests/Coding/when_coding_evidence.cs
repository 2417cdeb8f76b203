using System.Net;
using System.Text.Json.Nodes;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Coding;

public sealed class when_coding_evidence(AppFixture app) : ApiTest(app)
{
    /// <summary>An evaluation with two analysts, an exemplar and a follower, a wave, and an observation at the exemplar with the notes "abcdefghij".</summary>
    private sealed record Study(string Lead, string A, string B, Guid Evaluation, Guid Exemplar, Guid Follower, Guid Wave, Guid Notes)
    {
        public string Url => $"/api/evaluations/{Evaluation}";

        public string Codings(Guid evidence) => $"{Url}/evidence/{evidence}/codings";
    }

    private async Task<Study> SetUp()
    {
        var lead = NewUser("lead");
        var (a, b) = (NewUser("analyst"), NewUser("analyst"));
        var evaluation = await CreateEvaluation(lead);
        await AddMember(evaluation, lead, a, "analyst");
        await AddMember(evaluation, lead, b, "analyst");
        var exemplar = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var follower = await EnrolSite(evaluation, lead, "FF1", "follower", "2017-09-01");
        var wave = (await Post($"/api/evaluations/{evaluation}/waves", lead, new { name = "Wave 1", startsOn = "2018-01-01", endsOn = "2018-12-31" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var study = new Study(lead, a, b, evaluation, exemplar, follower, wave, Guid.Empty);
        return study with { Notes = await Observe(study, exemplar, "abcdefghij") };
    }

    private async Task<Guid> Observe(Study s, Guid site, string notes, string occurredOn = "2018-03-05") =>
        (await Post($"{s.Url}/observations", s.Lead, new
        {
            occurredOn,
            waveId = s.Wave,
            siteIds = new[] { site },
            setting = "meeting",
            durationMinutes = 60,
            fieldNotes = notes,
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

    private async Task<Guid> Define(Study s, string name, Guid? parentId = null)
    {
        var reply = await Post($"{s.Url}/codebook/codes", s.Lead, new { name, parentId, definition = $"Definition of {name}", dimension = "people" });
        return reply.ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
    }

    private async Task<Guid> Code(Study s, string coder, Guid evidence, Guid code, int start, int end, int textVersion = 1)
    {
        var reply = await Post(s.Codings(evidence), coder, new { codeId = code, textVersion, start, end });
        return reply.ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
    }

    private static IReadOnlyList<JsonNode> Items(Reply reply) => [.. reply.ShouldBe(HttpStatusCode.OK).Json["items"]!.AsArray().Select(x => x!)];

    [Fact]
    public async Task a_coding_is_read_back_with_its_quote_in_code_points()
    {
        var s = await SetUp();
        var code = await Define(s, "Workarounds");
        // A decomposed é is stored as one code point (NFC), the emoji is one code point too.
        var notes = await Observe(s, s.Exemplar, "Cafe\u0301 \U0001F600 users bypass the order screen");
        var id = Guid.NewGuid();
        var created = (await Post(s.Codings(notes), s.A, new { id, codeId = code, textVersion = 1, start = 5, end = 19, note = "clear case" }))
            .ShouldBe(HttpStatusCode.Created);
        Assert.Equal($"{s.Codings(notes)}/{id}", created.Response.Headers.Location!.OriginalString);
        (await Post(s.Codings(notes), s.A, new { id, codeId = code, textVersion = 1, start = 5, end = 19, note = "clear case" }))
            .ShouldBe(HttpStatusCode.Created);
        (await Post(s.Codings(notes), s.A, new { id, codeId = code, textVersion = 1, start = 5, end = 20 })).ShouldBeProblem(HttpStatusCode.Conflict);

        var coding = (await Get($"{s.Codings(notes)}/{id}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("\U0001F600 users bypass", coding["quote"]!.GetValue<string>());
        Assert.Equal(s.A, coding["coderId"]!.GetValue<string>());
        Assert.Equal(code, coding["codeId"]!.GetValue<Guid>());
        Assert.Equal("Workarounds", coding["codeName"]!.GetValue<string>());
        Assert.Equal("clear case", coding["note"]!.GetValue<string>());

        var evidence = (await Get($"{s.Url}/evidence/{notes}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        var listed = Assert.Single(evidence["codings"]!.AsArray())!;
        Assert.Equal(id, listed["id"]!.GetValue<Guid>());
        Assert.Equal("\U0001F600 users bypass", listed["quote"]!.GetValue<string>());
        Assert.Equal(1, (await Get($"{s.Url}/sites/{s.Exemplar}", s.Lead)).Json["counts"]!["codings"]!.GetValue<int>());
        Assert.Equal(1, (await Get($"{s.Url}/state", s.Lead)).Json["counts"]!["codings"]!.GetValue<int>());
    }

    [Fact]
    public async Task bad_spans_versions_and_codes_are_400s_and_write_nothing()
    {
        var s = await SetUp();
        var code = await Define(s, "Usability");
        var retired = await Define(s, "Old");
        var merged = await Define(s, "Duplicate");
        (await Post($"{s.Url}/codebook/codes/{retired}/retirement", s.Lead, new { reason = "unused" })).ShouldBe(HttpStatusCode.OK);
        (await Post($"{s.Url}/codebook/codes/{merged}/merge", s.Lead, new { intoCodeId = code })).ShouldBe(HttpStatusCode.OK);
        var url = s.Codings(s.Notes);
        await Code(s, s.A, s.Notes, code, 0, 3);
        var fieldworker = NewUser("fieldworker");
        var auditor = NewUser("auditor");
        await AddMember(s.Evaluation, s.Lead, fieldworker, "fieldworker");
        await AddMember(s.Evaluation, s.Lead, auditor, "auditor");
        var before = await App.EventCountAsync();

        (await Post(url, s.A, new { codeId = code, textVersion = 1, start = 4, end = 11 })).ShouldBeProblem(HttpStatusCode.BadRequest, "end");
        (await Post(url, s.A, new { codeId = code, textVersion = 1, start = 4, end = 4 })).ShouldBeProblem(HttpStatusCode.BadRequest, "end");
        (await Post(url, s.A, new { codeId = code, textVersion = 1, start = -1, end = 4 })).ShouldBeProblem(HttpStatusCode.BadRequest, "start");
        (await Post(url, s.A, new { codeId = code, textVersion = 2, start = 0, end = 4 })).ShouldBeProblem(HttpStatusCode.BadRequest, "textVersion");
        (await Post(url, s.A, new { codeId = Guid.NewGuid(), textVersion = 1, start = 0, end = 4 })).ShouldBeProblem(HttpStatusCode.BadRequest, "codeId");
        (await Post(url, s.A, new { codeId = retired, textVersion = 1, start = 0, end = 4 })).ShouldBeProblem(HttpStatusCode.BadRequest, "codeId");
        (await Post(url, s.A, new { codeId = merged, textVersion = 1, start = 0, end = 4 })).ShouldBeProblem(HttpStatusCode.BadRequest, "codeId");
        (await Post(url, s.A, new { textVersion = 1 })).ShouldBeProblem(HttpStatusCode.BadRequest, "codeId", "start", "end");
        (await Post(url, s.A, "{\"codeId\": ")).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await Post(url, s.A, new { codeId = code, textVersion = 1, start = 0, end = 3 })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await Post(s.Codings(Guid.NewGuid()), s.A, new { codeId = code, textVersion = 1, start = 0, end = 3 })).ShouldBeProblem(HttpStatusCode.NotFound);

        (await Post(url, fieldworker, new { codeId = code, textVersion = 1, start = 0, end = 4 })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Post(url, auditor, new { codeId = code, textVersion = 1, start = 0, end = 4 })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Post(url, NewUser("stranger"), new { codeId = code, textVersion = 1, start = 0, end = 4 })).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal(before, await App.EventCountAsync());
        (await Get($"{s.Url}/codings", auditor)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task coders_remove_their_own_codings_leads_any_and_replays_still_show_them()
    {
        var s = await SetUp();
        var code = await Define(s, "Training");
        var mine = await Code(s, s.A, s.Notes, code, 0, 4);
        var theirs = await Code(s, s.B, s.Notes, code, 2, 6);
        var url = s.Codings(s.Notes);

        (await Delete($"{url}/{theirs}", s.A)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await Delete($"{url}/{Guid.NewGuid()}", s.A)).ShouldBeProblem(HttpStatusCode.NotFound);
        var beforeRemoval = (await App.EventsOfStreamAsync(s.Notes))[^1].Timestamp;
        (await Delete($"{url}/{mine}", s.A)).ShouldBe(HttpStatusCode.NoContent);
        (await Delete($"{url}/{mine}", s.A)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await Delete($"{url}/{theirs}", s.Lead)).ShouldBe(HttpStatusCode.NoContent);

        Assert.Empty(Items(await Get($"{s.Url}/codings", s.Lead)));
        (await Get($"{url}/{mine}", s.Lead)).ShouldBeProblem(HttpStatusCode.NotFound);
        var then = Uri.EscapeDataString(beforeRemoval.ToString("O"));
        var replay = Items(await Get($"{s.Url}/codings?knownAt={then}", s.Lead));
        Assert.Equal([mine, theirs], replay.Select(c => c["id"]!.GetValue<Guid>()));
        Assert.Equal(["abcd", "cdef"], replay.Select(c => c["quote"]!.GetValue<string>()));
        (await Get($"{url}/{mine}?knownAt={then}", s.Lead)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task retrieval_filters_follows_descendants_and_a_merge_from_the_merge_on()
    {
        var s = await SetUp();
        var people = await Define(s, "People");
        var skills = await Define(s, "Digital skills", people);
        var champions = await Define(s, "Champions");
        var clinical = await Define(s, "Clinical champions");
        var follower = await Observe(s, s.Follower, "the follower's notes, quite long", "2018-06-01");
        var c1 = await Code(s, s.A, s.Notes, skills, 0, 2);
        var c2 = await Code(s, s.B, follower, people, 4, 12);
        var c3 = await Code(s, s.A, follower, clinical, 0, 3);
        var beforeMerge = (await App.EventsOfStreamAsync(follower))[^1].Timestamp;
        (await Post($"{s.Url}/codebook/codes/{clinical}/merge", s.Lead, new { intoCodeId = champions })).ShouldBe(HttpStatusCode.OK);

        IEnumerable<Guid> Ids(IReadOnlyList<JsonNode> items) => items.Select(c => c["id"]!.GetValue<Guid>());
        var codings = $"{s.Url}/codings";
        Assert.Equal([c2], Ids(Items(await Get($"{codings}?codeId={people}", s.Lead))));
        Assert.Equal([c1, c2], Ids(Items(await Get($"{codings}?codeId={people}&includeDescendants=true", s.Lead))));
        Assert.Equal([c1], Ids(Items(await Get($"{codings}?siteId={s.Exemplar}", s.Lead))));
        Assert.Equal([c1, c3], Ids(Items(await Get($"{codings}?coderId={s.A}", s.Lead))));
        Assert.Equal([c3, c2], Ids(Items(await Get($"{codings}?evidenceId={follower}", s.Lead))));
        Assert.Equal(3, Items(await Get($"{codings}?waveId={s.Wave}", s.Lead)).Count);
        Assert.Empty(Items(await Get($"{codings}?waveId={Guid.NewGuid()}", s.Lead)));

        var merged = Assert.Single(Items(await Get($"{codings}?codeId={champions}", s.Lead)));
        Assert.Equal(c3, merged["id"]!.GetValue<Guid>());
        Assert.Equal(clinical, merged["appliedCodeId"]!.GetValue<Guid>());
        Assert.Equal("the", merged["quote"]!.GetValue<string>());
        Assert.Empty(Items(await Get($"{codings}?codeId={clinical}", s.Lead)));

        var then = Uri.EscapeDataString(beforeMerge.ToString("O"));
        Assert.Equal([c3], Ids(Items(await Get($"{codings}?codeId={clinical}&knownAt={then}", s.Lead))));
        Assert.Empty(Items(await Get($"{codings}?codeId={champions}&knownAt={then}", s.Lead)));
        Assert.Empty(Items(await Get($"{codings}?asOf=2018-01-01", s.Lead)));
        (await Get($"{codings}?asOf=someday&limit=0", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "asOf", "limit");
        (await Get($"{codings}?codeId=nope", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "codeId");
        // includeDescendants widens codeId: without one it would silently mean nothing.
        (await Get($"{codings}?includeDescendants=true", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "includeDescendants");
    }

    [Fact]
    public async Task agreement_and_disagreements_match_figures_worked_by_hand()
    {
        var s = await SetUp();
        var x = await Define(s, "X");
        var y = await Define(s, "Y");
        await Code(s, s.A, s.Notes, x, 0, 5);
        await Code(s, s.A, s.Notes, x, 1, 3); // overlapping codings of one coder count once
        await Code(s, s.B, s.Notes, x, 2, 6);
        await Code(s, s.A, s.Notes, y, 8, 10);

        var report = (await Get($"{s.Url}/agreement?coderIds={s.A},{s.B}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("characters", report["units"]!.GetValue<string>());
        Assert.Equal(20, report["unitCount"]!.GetValue<long>());
        // Pooled over (code, character): 12 coded by neither, 5 by one, 3 by both; a coded 7, b 4.
        Assert.Equal(0.75, report["percentAgreement"]!.GetValue<double>(), 6);
        Assert.Equal(0.16 / 0.41, report["cohensKappa"]!.GetValue<double>(), 6);
        Assert.Equal(1 - (39.0 * 10 / 638), report["krippendorffAlpha"]!.GetValue<double>(), 6);
        var perCode = report["perCode"]!.AsArray();
        Assert.Equal([x, y], perCode.Select(c => c!["codeId"]!.GetValue<Guid>()));
        Assert.Equal(0.7, perCode[0]!["percentAgreement"]!.GetValue<double>(), 6);
        Assert.Equal(0.4, perCode[0]!["cohensKappa"]!.GetValue<double>(), 6);
        Assert.Equal(1 - (19.0 * 6 / 198), perCode[0]!["krippendorffAlpha"]!.GetValue<double>(), 6);
        Assert.Equal(0.8, perCode[1]!["percentAgreement"]!.GetValue<double>(), 6);
        Assert.Equal(0.0, perCode[1]!["cohensKappa"]!.GetValue<double>(), 6);

        var onlyX = (await Get($"{s.Url}/agreement?coderIds={s.A},{s.B}&codeIds={x}&evidenceIds={s.Notes}", s.Lead)).Json;
        Assert.Equal(0.7, onlyX["percentAgreement"]!.GetValue<double>(), 6);
        Assert.Equal(10, onlyX["unitCount"]!.GetValue<long>());

        // The lead has coded nothing in these items: a third coder with nothing to compare is refused, by name.
        var silent = (await Get($"{s.Url}/agreement?coderIds={s.A},{s.B},{s.Lead}&codeIds={x}", s.Lead))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "coderIds");
        Assert.StartsWith($"'{s.Lead}' has no coding", silent.Json["errors"]!["coderIds"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        (await Get($"{s.Url}/disagreements?coderIds={s.A},{s.Lead}", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "coderIds");

        // Once the lead has coded something there (with another code), the three compare on x.
        await Code(s, s.Lead, s.Notes, y, 0, 1);
        var three = (await Get($"{s.Url}/agreement?coderIds={s.A},{s.B},{s.Lead}&codeIds={x}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Null(three["cohensKappa"]);
        Assert.NotNull(three["krippendorffAlpha"]);

        var spans = Items(await Get($"{s.Url}/disagreements?coderIds={s.A},{s.B}", s.Lead));
        Assert.Equal(["ab", "f", "ij"], spans.Select(d => d["quote"]!.GetValue<string>()));
        Assert.Equal([0, 5, 8], spans.Select(d => d["start"]!.GetValue<int>()));
        Assert.Equal([s.A], spans[0]["codedBy"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal([s.A], spans[1]["notCodedBy"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(y, spans[2]["codeId"]!.GetValue<Guid>());

        (await Get($"{s.Url}/agreement?coderIds={s.A}", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "coderIds");
        (await Get($"{s.Url}/agreement?coderIds={s.A},{s.B}&codeIds={Guid.NewGuid()}&evidenceIds=nope", s.Lead))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "evidenceIds");
        (await Get($"{s.Url}/agreement?coderIds={s.A},{s.B}&codeIds={Guid.NewGuid()}", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "codeIds");
        (await Get($"{s.Url}/disagreements?coderIds={s.A},{s.B}&limit=9999", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "limit");
    }

    [Fact]
    public async Task identical_coding_is_perfect_agreement()
    {
        var s = await SetUp();
        var x = await Define(s, "X");
        await Code(s, s.A, s.Notes, x, 3, 7);
        await Code(s, s.B, s.Notes, x, 3, 7);
        var report = (await Get($"{s.Url}/agreement?coderIds={s.A},{s.B}", s.Lead)).Json;
        Assert.Equal(1.0, report["percentAgreement"]!.GetValue<double>());
        Assert.Equal(1.0, report["cohensKappa"]!.GetValue<double>());
        Assert.Equal(1.0, report["krippendorffAlpha"]!.GetValue<double>());
        Assert.Empty(Items(await Get($"{s.Url}/disagreements?coderIds={s.A},{s.B}", s.Lead)));
    }

    [Fact]
    public async Task the_matrix_counts_codings_and_characters_before_and_after_a_merge()
    {
        var s = await SetUp();
        var champions = await Define(s, "Champions");
        var clinical = await Define(s, "Clinical champions");
        var follower = await Observe(s, s.Follower, "0123456789012345", "2018-06-01");
        await Code(s, s.A, s.Notes, champions, 0, 4);
        await Code(s, s.A, follower, clinical, 0, 10);
        await Code(s, s.B, follower, clinical, 5, 8);
        var beforeMerge = (await App.EventsOfStreamAsync(follower))[^1].Timestamp;
        (await Post($"{s.Url}/codebook/codes/{clinical}/merge", s.Lead, new { intoCodeId = champions })).ShouldBe(HttpStatusCode.OK);

        static (int Codings, long Characters)? Cell(JsonNode matrix, string row, Guid column) =>
            matrix["cells"]!.AsArray().FirstOrDefault(c => c!["row"]!.GetValue<string>() == row && c["column"]!.GetValue<string>() == column.ToString())
                is { } cell ? (cell["codings"]!.GetValue<int>(), cell["characters"]!.GetValue<long>()) : null;

        var after = (await Get($"{s.Url}/matrix?rows=programmeRole&columns=codes", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(["exemplar", "follower"], after["rows"]!.AsArray().Select(r => r!["key"]!.GetValue<string>()));
        Assert.Equal([champions], after["columns"]!.AsArray().Select(c => c!["key"]!.GetValue<Guid>()));
        Assert.Equal((1, 4L), Cell(after, "exemplar", champions));
        Assert.Equal((2, 13L), Cell(after, "follower", champions));

        var then = Uri.EscapeDataString(beforeMerge.ToString("O"));
        var before = (await Get($"{s.Url}/matrix?rows=programmeRole&knownAt={then}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(2, before["columns"]!.AsArray().Count);
        Assert.Null(Cell(before, "follower", champions));
        Assert.Equal((2, 13L), Cell(before, "follower", clinical));

        var bySite = (await Get($"{s.Url}/matrix?rows=sites&columns=waves", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal((2, 13L), Cell(bySite, s.Follower.ToString(), s.Wave));
        Assert.Equal((1, 4L), Cell(bySite, s.Exemplar.ToString(), s.Wave));
        Assert.Equal(["FF1", "GDE1"], bySite["rows"]!.AsArray().Select(r => r!["label"]!.GetValue<string>()));

        Assert.Empty((await Get($"{s.Url}/matrix?rows=waves&asOf=2017-01-01", s.Lead)).Json["cells"]!.AsArray());
        (await Get($"{s.Url}/matrix", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "rows");
        (await Get($"{s.Url}/matrix?rows=planets&columns=codes&asOf=yesterday", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "rows", "asOf");
        (await Get($"{s.Url}/matrix?rows=sites&columns=sites", s.Lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "columns");
    }

    [Fact]
    public async Task pages_of_codings_put_together_are_the_whole_list_in_order_whatever_the_filter()
    {
        var s = await SetUp();
        var (x, y) = (await Define(s, "Leadership"), await Define(s, "Infrastructure"));
        var later = await Observe(s, s.Follower, "0123456789012345", "2018-06-01");
        var earlier = await Observe(s, s.Follower, "zyxwvutsrq", "2018-01-15");
        var removed = await Code(s, s.A, s.Notes, x, 5, 9);
        foreach (var (coder, item, code, start) in new[]
                 {
                     (s.A, s.Notes, x, 0), (s.B, s.Notes, y, 2), (s.A, later, y, 4), (s.B, later, x, 0), (s.A, later, x, 1),
                     (s.B, earlier, y, 3), (s.A, earlier, x, 6), (s.B, s.Notes, x, 1),
                 })
        {
            await Code(s, coder, item, code, start, start + 3);
        }

        (await Delete($"{s.Codings(s.Notes)}/{removed}", s.A)).ShouldBe(HttpStatusCode.NoContent);

        async Task<(List<JsonNode> Items, int Total)> List(string query, int offset, int limit)
        {
            var json = (await Get($"{s.Url}/codings?{query}&offset={offset}&limit={limit}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Equal((offset, limit), (json["offset"]!.GetValue<int>(), json["limit"]!.GetValue<int>()));
            return ([.. json["items"]!.AsArray().Select(i => i!)], json["total"]!.GetValue<int>());
        }

        static string Key(JsonNode c) => $"{c["evidenceOn"]} {c["evidenceId"]} {c["textVersion"]} {c["start"]!.GetValue<int>():D5} {c["end"]!.GetValue<int>():D5}";

        var all = (await List("", 0, 500)).Items;
        Assert.Equal(8, all.Count);
        Assert.DoesNotContain(all, c => c["id"]!.GetValue<Guid>() == removed);
        Assert.Equal([earlier, earlier, s.Notes, s.Notes, s.Notes, later, later, later], all.Select(c => c["evidenceId"]!.GetValue<Guid>()));
        Assert.Equal(all.Select(Key).Order(StringComparer.Ordinal), all.Select(Key));

        foreach (var (query, expected) in new (string, Func<JsonNode, bool>)[]
                 {
                     ("", _ => true),
                     ($"coderId={s.B}", c => c["coderId"]!.GetValue<string>() == s.B),
                     ($"codeId={x}", c => c["codeId"]!.GetValue<Guid>() == x),
                     ($"codeId={y}&coderId={s.A}", c => c["codeId"]!.GetValue<Guid>() == y && c["coderId"]!.GetValue<string>() == s.A),
                     ($"siteId={s.Follower}", c => c["evidenceId"]!.GetValue<Guid>() != s.Notes),
                     ($"evidenceId={later}", c => c["evidenceId"]!.GetValue<Guid>() == later),
                 })
        {
            var wanted = all.Where(expected).Select(c => c["id"]!.GetValue<Guid>()).ToList();
            foreach (var size in new[] { 1, 2, 3 })
            {
                var pages = new List<Guid>();
                for (var offset = 0; offset < wanted.Count + 2; offset += size)
                {
                    var (items, total) = await List(query, offset, size);
                    Assert.Equal(wanted.Count, total);
                    pages.AddRange(items.Select(i => i["id"]!.GetValue<Guid>()));
                }

                Assert.Equal(wanted, pages);
            }
        }

        Assert.Equal((0, 0), ((await List("coderId=nobody", 0, 5)).Items.Count, (await List("coderId=nobody", 0, 5)).Total));
    }

    [Fact]
    public async Task the_matrix_leaves_out_removed_codings_and_counts_items_stored_before_their_tally()
    {
        var s = await SetUp();
        var code = await Define(s, "Governance");
        var follower = await Observe(s, s.Follower, "0123456789012345", "2018-06-01");
        await Code(s, s.A, follower, code, 0, 10);
        await Code(s, s.A, s.Notes, code, 0, 4);
        var removed = await Code(s, s.B, s.Notes, code, 1, 3);
        var beforeRemoval = (await App.EventsOfStreamAsync(s.Notes))[^1].Timestamp;
        (await Delete($"{s.Codings(s.Notes)}/{removed}", s.B)).ShouldBe(HttpStatusCode.NoContent);

        async Task<List<(string Row, int Codings, long Characters)>> Cells(string query) =>
            [.. (await Get($"{s.Url}/matrix?rows=sites&{query}", s.Lead)).ShouldBe(HttpStatusCode.OK).Json["cells"]!.AsArray()
                .Select(c => (c!["row"]!.GetValue<string>(), c["codings"]!.GetValue<int>(), c["characters"]!.GetValue<long>()))
                .OrderBy(c => c.Item1, StringComparer.Ordinal)];

        List<(string, int, long)> now = [.. new[] { (s.Exemplar.ToString(), 1, 4L), (s.Follower.ToString(), 1, 10L) }.OrderBy(c => c.Item1, StringComparer.Ordinal)];
        List<(string, int, long)> then = [.. new[] { (s.Exemplar.ToString(), 2, 6L), (s.Follower.ToString(), 1, 10L) }.OrderBy(c => c.Item1, StringComparer.Ordinal)];
        var knownAt = $"knownAt={Uri.EscapeDataString(beforeRemoval.ToString("O"))}";
        Assert.Equal(now, await Cells(""));
        Assert.Equal(then, await Cells(knownAt));

        // Documents written before the tally was stored have none until their next write: the matrix reads their codings instead.
        await using (var connection = new Npgsql.NpgsqlConnection(App.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "update fieldwork.mt_doc_evidencetimeline set packed_tally = null where id = any(@ids)", connection);
            command.Parameters.AddWithValue("ids", new[] { s.Notes, follower });
            Assert.Equal(2, await command.ExecuteNonQueryAsync());
        }

        Assert.Equal(now, await Cells(""));
        Assert.Equal(then, await Cells(knownAt));

        // At start-up the tallies are filled in, from the codings the documents hold.
        var store = App.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        Assert.True(await Fieldwork.Coding.CodingTallyBackfill.RunAsync(store) >= 2);
        Assert.Equal(0, await Fieldwork.Coding.CodingTallyBackfill.RunAsync(store));
        await using var session = store.QuerySession();
        var tallies = await session.Query<Fieldwork.Evidence.EvidenceTimeline>().Where(t => t.Id == s.Notes || t.Id == follower)
            .Select(t => new Fieldwork.Api.Coding.CodingTallies.PackedItem { Id = t.Id, Packed = t.PackedTally }).ToListAsync();
        Assert.Equal(2, tallies.Count);
        Assert.All(tallies, t => Assert.False(string.IsNullOrEmpty(t.Packed)));
        Assert.Equal(now, await Cells(""));
    }
}
