using System.Net;
using System.Text.Json;
using Fieldwork.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Access;

/// <summary>
/// Calls every route of the running app as each role, as a member of another evaluation and
/// without a token, and checks the status against the access matrix in docs/security.md.
/// </summary>
public sealed class when_checking_the_access_matrix(AppFixture app) : ApiTest(app)
{
    private sealed record Row(string Method, string Route, bool[] Allowed);

    /// <summary>A prepared call: the URL and the body (null for none), made ready for the given caller.</summary>
    private delegate Task<(string Url, object? Body)> Prepare(string caller);

    private static IReadOnlyList<Row> Table()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Fieldwork.sln")))
        {
            directory = directory.Parent;
        }

        var lines = File.ReadAllLines(Path.Combine(directory!.FullName, "docs", "security.md"));
        return [.. lines
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains("`/api/evaluations/{evaluationId}", StringComparison.Ordinal))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .Select(c => new Row(c[0], c[1].Trim('`'), [.. c[2..6].Select(v => v == "Y")]))];
    }

    [Fact]
    public async Task every_route_answers_each_role_exactly_as_the_table_says()
    {
        var table = Table();
        var routes = App.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Wolverine.Http.HttpChain>() is not null)
            .Select(e => $"{e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single()} /{e.RoutePattern.RawText!.TrimStart('/')}")
            .ToHashSet();
        var listed = table.Select(r => $"{r.Method} {r.Route}").ToHashSet();
        var outside = new[] { "GET /health", "GET /api/evaluations", "POST /api/evaluations", "GET /api/audit/verify", "GET /api/audit/checkpoint",
            "GET /api/audit/checkpoint-key", "POST /api/audit/verifications", "GET /api/audit/verifications/{verificationId}",
        };
        Assert.Empty(routes.Except(listed).Except(outside));
        Assert.Empty(listed.Except(routes));

        var w = await World.CreateAsync(this);
        var requests = Requests(w);
        Assert.Empty(listed.Except(requests.Keys));

        var failures = new List<string>();
        var roles = new[] { ("lead", w.Lead), ("fieldworker", w.Fieldworker), ("analyst", w.Analyst), ("auditor", w.Auditor) };
        foreach (var row in table)
        {
            var key = $"{row.Method} {row.Route}";
            var method = new HttpMethod(row.Method);
            for (var i = 0; i < roles.Length; i++)
            {
                var (role, user) = roles[i];
                var (url, body) = await requests[key](user);
                var reply = await SendAny(method, url, user, body);
                var ok = row.Allowed[i] ? (int)reply.Status is >= 200 and < 300 : reply.Status == HttpStatusCode.Forbidden;
                if (!ok)
                {
                    failures.Add($"{key} as {role}: expected {(row.Allowed[i] ? "2xx" : "403")}, got {(int)reply.Status} {Truncate(reply.Body)}");
                }
            }

            var (leadUrl, leadBody) = await requests[key](w.Lead);
            var outsider = await SendAny(method, leadUrl, w.Outsider, leadBody);
            if (outsider.Status != HttpStatusCode.NotFound)
            {
                failures.Add($"{key} as a lead of another evaluation: expected 404, got {(int)outsider.Status}");
            }

            var anonymous = await SendAny(method, leadUrl, null, leadBody);
            if (anonymous.Status != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{key} without a token: expected 401, got {(int)anonymous.Status}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task routes_outside_evaluations_answer_as_the_table_says()
    {
        var w = await World.CreateAsync(this);
        (await Get("/health", null)).ShouldBe(HttpStatusCode.OK);
        (await Get("/api/evaluations", null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await Get("/api/evaluations", NewUser())).ShouldBe(HttpStatusCode.OK);
        (await Post("/api/evaluations", null, new { name = "x", startsOn = "2016-09-01" })).ShouldBeProblem(HttpStatusCode.Unauthorized);
        foreach (var route in new[] { "/api/audit/verify", "/api/audit/checkpoint", "/api/audit/checkpoint-key" })
        {
            (await Get(route, null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
            (await Get(route, NewUser())).ShouldBeProblem(HttpStatusCode.Forbidden);
            (await Get(route, w.Fieldworker)).ShouldBeProblem(HttpStatusCode.Forbidden);
            (await Get(route, w.Analyst)).ShouldBeProblem(HttpStatusCode.Forbidden);
            (await Get(route, w.Auditor)).ShouldBe(HttpStatusCode.OK);
            (await Get(route, w.Lead)).ShouldBe(HttpStatusCode.OK);
        }

        // A whole-store verification: started by a lead or an auditor of any evaluation, followed by the same.
        (await Send(HttpMethod.Post, "/api/audit/verifications", null, null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        foreach (var refused in new[] { NewUser(), w.Fieldworker, w.Analyst })
        {
            (await Send(HttpMethod.Post, "/api/audit/verifications", refused, null)).ShouldBeProblem(HttpStatusCode.Forbidden);
        }

        var status = (await Send(HttpMethod.Post, "/api/audit/verifications", w.Auditor, null)).ShouldBe(HttpStatusCode.Accepted)
            .Response.Headers.Location!.ToString();
        (await Send(HttpMethod.Post, "/api/audit/verifications", w.Lead, null)).ShouldBe(HttpStatusCode.Accepted);
        (await Get(status, null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        foreach (var refused in new[] { NewUser(), w.Fieldworker, w.Analyst })
        {
            (await Get(status, refused)).ShouldBeProblem(HttpStatusCode.Forbidden);
        }

        (await Get(status, w.Auditor)).ShouldBe(HttpStatusCode.OK);
        (await Get(status, w.Lead)).ShouldBe(HttpStatusCode.OK);
        if (App.Host.Services.GetRequiredService<Fieldwork.Api.Audit.StoreVerifications>().Current is { } running)
        {
            await running.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    private static string? Json(object? body) => body switch
    {
        null => null,
        FileBody file => file.Text,
        _ => JsonSerializer.Serialize(body, JsonSerializerOptions.Web),
    };

    /// <summary>A route that takes a file: its bytes and media type.</summary>
    private sealed record FileBody(byte[] Bytes, string MediaType)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Bytes);

        public static FileBody Xml(string xml) => new(System.Text.Encoding.UTF8.GetBytes(xml), "application/xml");

        /// <summary>A REFI-QDA project of one code, zipped.</summary>
        public static FileBody Project(string code)
        {
            var buffer = new MemoryStream();
            using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                using var entry = zip.CreateEntry("project.qde").Open();
                entry.Write(System.Text.Encoding.UTF8.GetBytes(
                    $"<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"><CodeBook><Codes><Code guid=\"{Guid.NewGuid()}\" name=\"{code}\" isCodable=\"true\"/></Codes></CodeBook></Project>"));
            }

            return new(buffer.ToArray(), "application/zip");
        }
    }

    private async Task<Reply> SendAny(HttpMethod method, string url, string? user, object? body)
    {
        if (body is not FileBody file)
        {
            return await Send(method, url, user, Json(body));
        }

        using var client = App.Client();
        var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(file.Bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(file.MediaType);
        if (user is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", App.TokenFor(user));
        }

        var response = await client.SendAsync(request);
        return new Reply(response.StatusCode, response, await response.Content.ReadAsStringAsync());
    }

    private static string Truncate(string body) => body.Length > 300 ? body[..300] : body;

    /// <summary>One evaluation with a member of each role, an outsider, and one of everything to read.</summary>
    private sealed class World
    {
        private int counter;

        private World(when_checking_the_access_matrix test) => Test = test;

        public when_checking_the_access_matrix Test { get; }

        public string Lead { get; } = NewUser("lead");

        public string Fieldworker { get; } = NewUser("fieldworker");

        public string Analyst { get; } = NewUser("analyst");

        public string Auditor { get; } = NewUser("auditor");

        public string Outsider { get; } = NewUser("outsider");

        public Guid Evaluation { get; private set; }

        public string Url => $"/api/evaluations/{Evaluation}";

        public Guid Site { get; private set; }

        public Guid Pairing { get; private set; }

        public Guid Exchange { get; private set; }

        public Guid Link { get; private set; }

        public Guid Wave { get; private set; }

        public Guid Participant { get; private set; }

        public Guid Observation { get; private set; }

        public Guid Code { get; private set; }

        public Guid Coding { get; private set; }

        public Guid Memo { get; private set; }

        public Guid Finding { get; private set; }

        public Guid Visit { get; private set; }

        public int Next() => Interlocked.Increment(ref counter);

        public static async Task<World> CreateAsync(when_checking_the_access_matrix test)
        {
            var w = new World(test);
            w.Evaluation = await test.CreateEvaluation(w.Lead);
            await test.CreateEvaluation(w.Outsider);
            await test.AddMember(w.Evaluation, w.Lead, w.Fieldworker, "fieldworker");
            await test.AddMember(w.Evaluation, w.Lead, w.Analyst, "analyst");
            await test.AddMember(w.Evaluation, w.Lead, w.Auditor, "auditor");
            w.Wave = await w.Create("waves", new { name = "Wave 2018", startsOn = "2018-01-01", endsOn = "2018-12-31" });
            w.Site = await w.NewSite();
            w.Pairing = await w.NewPairing(established: true);
            w.Exchange = await w.Create($"pairings/{w.Pairing}/exchanges", new
            {
                occurredOn = "2018-03-01",
                direction = "exemplarToFollower",
                channel = "formal",
                topic = "Playbook",
                evidenceIds = Array.Empty<Guid>(),
            });
            w.Link = await w.Create("links", new { siteAId = w.Site, siteBId = await w.NewSite(), formedOn = "2018-01-01" });
            w.Participant = await w.NewParticipant();
            w.Observation = await w.NewObservation();
            w.Visit = await w.Create("visits", new { siteIds = new[] { w.Site }, startsOn = "2018-04-02", fieldworkerIds = new[] { w.Lead }, items = Array.Empty<object>() });
            w.Code = await w.NewCode();
            w.Coding = await w.Create($"evidence/{w.Observation}/codings", new { codeId = w.Code, textVersion = 1, start = 0, end = 5 });
            // Agreement compares the lead and the analyst: each must have coded something.
            await w.Create($"evidence/{w.Observation}/codings", new { codeId = w.Code, textVersion = 1, start = 2, end = 8 }, w.Analyst);
            w.Memo = await w.Create("memos", new { aboutKind = "site", aboutId = w.Site, text = "A memo." });
            w.Finding = await w.NewFinding();
            return w;
        }

        public async Task<Guid> Create(string path, object body, string? user = null)
        {
            var reply = await Test.Post($"{Url}/{path}", user ?? Lead, body);
            Assert.True((int)reply.Status is 200 or 201, $"set-up POST {path}: {(int)reply.Status} {reply.Body}");
            return reply.Json["id"]!.GetValue<Guid>();
        }

        public async Task Call(string path, object body, string? user = null)
        {
            var reply = await Test.Post($"{Url}/{path}", user ?? Lead, body);
            Assert.True((int)reply.Status is 200 or 201, $"set-up POST {path}: {(int)reply.Status} {reply.Body}");
        }

        public Task<Guid> NewSite(string programmeRole = "exemplar") => Create("sites", new
        {
            code = $"S{Next()}",
            kind = "acute",
            programmeRole,
            cohort = "c1",
            region = "North",
            eprSystem = "Cerner",
            caseDepth = "inDepth",
            enrolledOn = "2017-01-01",
        });

        public async Task<Guid> NewPairing(bool established)
        {
            var pairing = await Create("pairings", new { exemplarSiteId = await NewSite(), followerSiteId = await NewSite("follower"), proposedOn = "2017-09-01" });
            if (established)
            {
                await Call($"pairings/{pairing}/establishment", new { establishedOn = "2018-01-15" });
            }

            return pairing;
        }

        public Task<Guid> NewParticipant() => Create("participants", new
        {
            pseudonym = $"P-{Next()}",
            role = "CCIO",
            siteId = Site,
            personal = new { name = $"Person {Next()}" },
            consent = new { givenOn = "2016-01-01", takePart = true, record = true, quote = true, archive = true, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
        });

        public async Task<Guid> WithdrawnParticipant()
        {
            var participant = await NewParticipant();
            await Call($"participants/{participant}/withdrawal", new { effectiveOn = "2019-01-01" });
            return participant;
        }

        public Task<Guid> NewObservation(string? user = null) => Create("observations", new
        {
            occurredOn = "2018-03-05",
            waveId = Wave,
            siteIds = new[] { Site },
            setting = "meeting",
            durationMinutes = 60,
            fieldNotes = string.Concat(Enumerable.Repeat("Field notes of a board meeting. ", 40)),
        }, user);

        public Task<Guid> NewCode() => Create("codebook/codes", new { name = $"Code {Next()}", definition = "A code" });

        public async Task<Guid> NewImport()
        {
            var reply = await Test.Send(HttpMethod.Post, $"{Url}/imports/qdc", Lead,
                $"<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code guid=\"{Guid.NewGuid()}\" name=\"Import {Next()}\" isCodable=\"true\"/></Codes></CodeBook>",
                "application/xml");
            Assert.Equal(HttpStatusCode.Created, reply.Status);
            return reply.Json["id"]!.GetValue<Guid>();
        }

        public Task<Guid> NewFinding() => Create("findings", new { statement = $"Finding {Next()}" });
    }

    private static Dictionary<string, Prepare> Requests(World w)
    {
        const string E = "/api/evaluations/{evaluationId}";
        var u = w.Url;
        static (string, object?) Read(string url) => (url, null);
        bool Codes(string caller) => caller == w.Lead || caller == w.Analyst;
        bool Memos(string caller) => caller != w.Auditor;

        return new Dictionary<string, Prepare>
        {
            [$"GET {E}"] = _ => Task.FromResult(Read(u)),
            [$"GET {E}/agreement"] = _ => Task.FromResult(Read($"{u}/agreement?coderIds={w.Lead},{w.Analyst}")),
            [$"GET {E}/audit"] = _ => Task.FromResult(Read($"{u}/audit")),
            [$"GET {E}/audit/verify"] = _ => Task.FromResult(Read($"{u}/audit/verify")),
            [$"GET {E}/changes"] = _ => Task.FromResult(Read($"{u}/changes?from=2018-01-01&to=2019-01-01")),
            [$"GET {E}/codebook"] = _ => Task.FromResult(Read($"{u}/codebook")),
            [$"POST {E}/codebook/codes"] = _ => Task.FromResult<(string, object?)>(($"{u}/codebook/codes", new { name = $"New code {w.Next()}", definition = "d" })),
            [$"GET {E}/codebook/codes/{{codeId}}"] = _ => Task.FromResult(Read($"{u}/codebook/codes/{w.Code}")),
            [$"POST {E}/codebook/codes/{{codeId}}/merge"] = async _ => ($"{u}/codebook/codes/{await w.NewCode()}/merge", new { intoCodeId = w.Code }),
            [$"POST {E}/codebook/codes/{{codeId}}/retirement"] = async _ => ($"{u}/codebook/codes/{await w.NewCode()}/retirement", new { reason = "unused" }),
            [$"POST {E}/codebook/codes/{{codeId}}/revisions"] = async _ => ($"{u}/codebook/codes/{await w.NewCode()}/revisions", new { expectedVersion = 1, definition = "Redefined" }),
            [$"GET {E}/codings"] = _ => Task.FromResult(Read($"{u}/codings")),
            [$"GET {E}/coverage"] = _ => Task.FromResult(Read($"{u}/coverage?waveId={w.Wave}&asOf=2018-06-30")),
            [$"GET {E}/disagreements"] = _ => Task.FromResult(Read($"{u}/disagreements?coderIds={w.Lead},{w.Analyst}")),
            [$"POST {E}/documents"] = _ => Task.FromResult<(string, object?)>(($"{u}/documents", new
            {
                capturedOn = "2018-04-01",
                title = "Board paper",
                issuer = "Trust board",
                documentType = "boardPaper",
                siteIds = new[] { w.Site },
            })),
            [$"GET {E}/evidence"] = _ => Task.FromResult(Read($"{u}/evidence")),
            [$"GET {E}/evidence/{{evidenceId}}"] = _ => Task.FromResult(Read($"{u}/evidence/{w.Observation}")),
            [$"POST {E}/evidence/{{evidenceId}}/codings"] = _ =>
            {
                var start = w.Next() % 1000;
                return Task.FromResult<(string, object?)>(($"{u}/evidence/{w.Observation}/codings", new { codeId = w.Code, textVersion = 1, start, end = start + 3 }));
            },
            [$"DELETE {E}/evidence/{{evidenceId}}/codings/{{codingId}}"] = async caller =>
            {
                var start = w.Next() % 1000;
                var coding = await w.Create($"evidence/{w.Observation}/codings", new { codeId = w.Code, textVersion = 1, start, end = start + 2 },
                    Codes(caller) ? caller : w.Lead);
                return ($"{u}/evidence/{w.Observation}/codings/{coding}", null);
            },
            [$"GET {E}/evidence/{{evidenceId}}/codings/{{codingId}}"] = _ => Task.FromResult(Read($"{u}/evidence/{w.Observation}/codings/{w.Coding}")),
            [$"POST {E}/evidence/{{evidenceId}}/corrections"] = _ => Task.FromResult<(string, object?)>(($"{u}/evidence/{w.Observation}/corrections", new { durationMinutes = 61 })),
            // Each voids an item of their own (the person who logged it may void it); the auditor tries the lead's.
            [$"POST {E}/evidence/{{evidenceId}}/void"] = async caller =>
                ($"{u}/evidence/{await w.NewObservation(caller == w.Auditor ? null : caller)}/void", new { reason = "Logged twice" }),
            [$"POST {E}/evidence/{{evidenceId}}/texts"] = async _ => ($"{u}/evidence/{await w.NewObservation()}/texts", new { expectedVersion = 1, text = "Second version." }),
            [$"GET {E}/export/codebook.qdc"] = _ => Task.FromResult(Read($"{u}/export/codebook.qdc")),
            [$"GET {E}/export/qdpx"] = _ => Task.FromResult(Read($"{u}/export/qdpx")),
            [$"POST {E}/imports/qdc"] = _ => Task.FromResult<(string, object?)>(($"{u}/imports/qdc", FileBody.Xml(
                $"<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code guid=\"{Guid.NewGuid()}\" name=\"Imported {w.Next()}\" isCodable=\"true\"/></Codes></CodeBook>"))),
            [$"POST {E}/imports/qdpx"] = _ => Task.FromResult<(string, object?)>(($"{u}/imports/qdpx", FileBody.Project($"Project code {w.Next()}"))),
            [$"GET {E}/imports/{{importId}}"] = async _ => Read($"{u}/imports/{await w.NewImport()}"),
            [$"GET {E}/findings"] = _ => Task.FromResult(Read($"{u}/findings")),
            [$"POST {E}/findings"] = _ => Task.FromResult<(string, object?)>(($"{u}/findings", new { statement = "A claim." })),
            [$"GET {E}/findings/{{findingId}}"] = _ => Task.FromResult(Read($"{u}/findings/{w.Finding}")),
            [$"POST {E}/findings/{{findingId}}/evidence"] = async _ => ($"{u}/findings/{await w.NewFinding()}/evidence",
                new { expectedVersion = 1, stance = "supporting", codingIds = new[] { w.Coding } }),
            [$"DELETE {E}/findings/{{findingId}}/evidence/{{itemId}}"] = async _ =>
            {
                var finding = await w.NewFinding();
                await w.Call($"findings/{finding}/evidence", new { expectedVersion = 1, stance = "supporting", codingIds = new[] { w.Coding } });
                return ($"{u}/findings/{finding}/evidence/{w.Coding}?expectedVersion=2", null);
            },
            [$"GET {E}/findings/{{findingId}}/provenance"] = _ => Task.FromResult(Read($"{u}/findings/{w.Finding}/provenance")),
            [$"POST {E}/findings/{{findingId}}/revisions"] = async _ => ($"{u}/findings/{await w.NewFinding()}/revisions", new { expectedVersion = 1, statement = "Revised." }),
            [$"POST {E}/findings/{{findingId}}/status"] = async _ => ($"{u}/findings/{await w.NewFinding()}/status", new { expectedVersion = 1, status = "underReview" }),
            [$"POST {E}/interviews"] = _ => Task.FromResult<(string, object?)>(($"{u}/interviews", new
            {
                occurredOn = "2018-03-05",
                siteIds = new[] { w.Site },
                participantIds = new[] { w.Participant },
                format = "oneToOne",
                mode = "phone",
                durationMinutes = 30,
                transcript = "Said in confidence.",
            })),
            [$"GET {E}/links"] = _ => Task.FromResult(Read($"{u}/links")),
            [$"POST {E}/links"] = async _ => ($"{u}/links", new { siteAId = await w.NewSite(), siteBId = await w.NewSite(), formedOn = "2018-01-01" }),
            [$"GET {E}/links/{{linkId}}"] = _ => Task.FromResult(Read($"{u}/links/{w.Link}")),
            [$"GET {E}/matrix"] = _ => Task.FromResult(Read($"{u}/matrix?rows=sites")),
            [$"GET {E}/members"] = _ => Task.FromResult(Read($"{u}/members")),
            [$"POST {E}/members"] = _ => Task.FromResult<(string, object?)>(($"{u}/members", new { userId = NewUser("member"), role = "fieldworker" })),
            [$"DELETE {E}/members/{{userId}}"] = async _ =>
            {
                var member = NewUser("member");
                await w.Call("members", new { userId = member, role = "fieldworker" });
                return ($"{u}/members/{member}", null);
            },
            [$"GET {E}/memos"] = _ => Task.FromResult(Read($"{u}/memos")),
            [$"POST {E}/memos"] = _ => Task.FromResult<(string, object?)>(($"{u}/memos", new { aboutKind = "site", aboutId = w.Site, text = "Noted." })),
            [$"GET {E}/memos/{{memoId}}"] = _ => Task.FromResult(Read($"{u}/memos/{w.Memo}")),
            [$"POST {E}/memos/{{memoId}}/revisions"] = async caller =>
            {
                var memo = await w.Create("memos", new { aboutKind = "site", aboutId = w.Site, text = "Mine." }, Memos(caller) ? caller : w.Lead);
                return ($"{u}/memos/{memo}/revisions", new { expectedVersion = 1, text = "Revised." });
            },
            [$"POST {E}/observations"] = _ => Task.FromResult<(string, object?)>(($"{u}/observations", new
            {
                occurredOn = "2018-03-05",
                siteIds = new[] { w.Site },
                setting = "workshop",
                durationMinutes = 90,
            })),
            [$"GET {E}/visits"] = _ => Task.FromResult(Read($"{u}/visits")),
            [$"POST {E}/visits"] = _ => Task.FromResult<(string, object?)>(($"{u}/visits", new
            {
                siteIds = new[] { w.Site },
                startsOn = "2018-03-05",
                fieldworkerIds = new[] { w.Lead },
                items = new object[] { new { kind = "observation", occurredOn = "2018-03-05", setting = "meeting", durationMinutes = 60 } },
            })),
            [$"GET {E}/visits/{{visitId}}"] = _ => Task.FromResult(Read($"{u}/visits/{w.Visit}")),
            [$"POST {E}/visits/{{visitId}}/items"] = _ => Task.FromResult<(string, object?)>(($"{u}/visits/{w.Visit}/items",
                new { kind = "observation", occurredOn = "2018-04-02", setting = "siteVisit", durationMinutes = 30 })),
            [$"GET {E}/pairings"] = _ => Task.FromResult(Read($"{u}/pairings")),
            [$"POST {E}/pairings"] = async _ => ($"{u}/pairings", new { exemplarSiteId = await w.NewSite(), followerSiteId = await w.NewSite("follower"), proposedOn = "2017-09-01" }),
            [$"GET {E}/pairings/{{pairingId}}"] = _ => Task.FromResult(Read($"{u}/pairings/{w.Pairing}")),
            [$"POST {E}/pairings/{{pairingId}}/alignment"] = async _ => ($"{u}/pairings/{await w.NewPairing(true)}/alignment", new
            {
                assessedOn = "2018-02-01",
                sameSystem = true,
                sameRegion = false,
                distanceKm = 50.0,
                priorLinks = false,
                culturalFit = 3,
            }),
            [$"POST {E}/pairings/{{pairingId}}/corrections"] = async _ => ($"{u}/pairings/{await w.NewPairing(true)}/corrections", new { establishedOn = "2018-01-20" }),
            [$"POST {E}/pairings/{{pairingId}}/dissolution"] = async _ => ($"{u}/pairings/{await w.NewPairing(true)}/dissolution", new { dissolvedOn = "2019-06-30", reason = "Ended" }),
            [$"POST {E}/pairings/{{pairingId}}/establishment"] = async _ => ($"{u}/pairings/{await w.NewPairing(false)}/establishment", new { establishedOn = "2018-01-15" }),
            [$"GET {E}/pairings/{{pairingId}}/exchanges"] = _ => Task.FromResult(Read($"{u}/pairings/{w.Pairing}/exchanges")),
            [$"POST {E}/pairings/{{pairingId}}/exchanges"] = _ => Task.FromResult<(string, object?)>(($"{u}/pairings/{w.Pairing}/exchanges", new
            {
                occurredOn = "2018-05-01",
                direction = "followerToExemplar",
                channel = "informal",
                topic = "Safety case",
                evidenceIds = Array.Empty<Guid>(),
            })),
            [$"GET {E}/pairings/{{pairingId}}/exchanges/{{exchangeId}}"] = _ => Task.FromResult(Read($"{u}/pairings/{w.Pairing}/exchanges/{w.Exchange}")),
            [$"GET {E}/participants"] = _ => Task.FromResult(Read($"{u}/participants")),
            [$"POST {E}/participants"] = _ => Task.FromResult<(string, object?)>(($"{u}/participants", new
            {
                pseudonym = "P-new",
                role = "Nurse",
                siteId = w.Site,
                consent = new { givenOn = "2016-01-01", takePart = true, record = false, quote = false, archive = false, lawfulBasis = "publicTask", informationSheetVersion = "v1" },
            })),
            [$"GET {E}/participants/{{participantId}}"] = _ => Task.FromResult(Read($"{u}/participants/{w.Participant}")),
            [$"POST {E}/participants/{{participantId}}/consent"] = async _ => ($"{u}/participants/{await w.NewParticipant()}/consent", new
            {
                effectiveOn = "2019-01-01",
                takePart = true,
                record = false,
                quote = false,
                archive = false,
                lawfulBasis = "publicTask",
                informationSheetVersion = "v2",
            }),
            [$"GET {E}/participants/{{participantId}}/disclosures"] = _ => Task.FromResult(Read($"{u}/participants/{w.Participant}/disclosures")),
            [$"POST {E}/participants/{{participantId}}/reconsent"] = async _ => ($"{u}/participants/{await w.WithdrawnParticipant()}/reconsent", new
            {
                consent = new { givenOn = "2019-06-01", takePart = true, record = true, quote = false, archive = false, lawfulBasis = "consent", informationSheetVersion = "v3" },
            }),
            [$"POST {E}/participants/{{participantId}}/withdrawal"] = async _ => ($"{u}/participants/{await w.NewParticipant()}/withdrawal", new { eraseTranscripts = true }),
            [$"GET {E}/sites"] = _ => Task.FromResult(Read($"{u}/sites")),
            [$"POST {E}/sites"] = _ => Task.FromResult<(string, object?)>(($"{u}/sites", new
            {
                code = $"N{w.Next()}",
                kind = "acute",
                programmeRole = "follower",
                cohort = "c2",
                region = "South",
                eprSystem = "Epic",
                caseDepth = "broader",
                enrolledOn = "2017-06-01",
            })),
            [$"GET {E}/sites/{{siteId}}"] = _ => Task.FromResult(Read($"{u}/sites/{w.Site}")),
            [$"POST {E}/sites/{{siteId}}/attributes"] = async _ => ($"{u}/sites/{await w.NewSite()}/attributes", new { effectiveOn = "2019-04-01", eprSystem = "Epic" }),
            [$"GET {E}/sites/{{siteId}}/history"] = _ => Task.FromResult(Read($"{u}/sites/{w.Site}/history")),
            [$"POST {E}/sites/{{siteId}}/withdrawal"] = async _ => ($"{u}/sites/{await w.NewSite()}/withdrawal", new { effectiveOn = "2020-01-01", reason = "Left" }),
            [$"GET {E}/state"] = _ => Task.FromResult(Read($"{u}/state")),
            [$"GET {E}/waves"] = _ => Task.FromResult(Read($"{u}/waves")),
            [$"POST {E}/waves"] = _ =>
            {
                var start = new DateOnly(2019, 1, 1).AddDays(w.Next() * 3);
                return Task.FromResult<(string, object?)>(($"{u}/waves", new { name = $"Wave {start:yyyyMMdd}", startsOn = start, endsOn = start.AddDays(1) }));
            },
            [$"GET {E}/waves/{{waveId}}"] = _ => Task.FromResult(Read($"{u}/waves/{w.Wave}")),
            [$"GET {E}/waves/{{waveId}}/plan"] = _ => Task.FromResult(Read($"{u}/waves/{w.Wave}/plan")),
            [$"PUT {E}/waves/{{waveId}}/plan"] = _ => Task.FromResult<(string, object?)>(($"{u}/waves/{w.Wave}/plan", new
            {
                sites = new object[] { new { siteId = w.Site, interviews = w.Next() % 5, observations = 2 } },
            })),
        };
    }
}
