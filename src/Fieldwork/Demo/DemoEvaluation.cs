using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fieldwork.Access;
using Fieldwork.Coding;
using Fieldwork.Coverage;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Findings;
using Fieldwork.Links;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Sites;
using Fieldwork.Uniqueness;
using Fieldwork.Visits;
using Marten;

namespace Fieldwork.Demo;

/// <summary>
/// A synthetic evaluation shaped like the evaluation of England's Global Digital Exemplar
/// programme: 36 sites, exemplar/follower pairings, three waves of fieldwork with wave plans,
/// visits and their interviews, observations and documents with readable synthetic text, a
/// sociotechnical codebook revised over time, three analysts' codings with realistic
/// disagreement, memos and findings.
/// Deterministic from a seed; every name is a code or pseudonym; nothing in it is real.
/// It goes in as the same events the API writes, each with the time it would have been
/// recorded, appended in record order, so replays with knownAt show the study as it grew.
/// </summary>
public static class DemoEvaluation
{
    public const string Lead = "demo-lead";
    public static readonly string[] Members = ["demo-lead", "demo-fieldworker", "demo-fieldworker-2", "demo-analyst", "demo-analyst-2", "demo-analyst-3", "demo-auditor"];
    private static readonly string[] Fieldworkers = ["demo-fieldworker", "demo-fieldworker-2"];
    private static readonly string[] VisitNotes =
    [
        "Access arranged through the programme office; two interviewees rescheduled at short notice.",
        "Wards busy after a downtime the week before; observations kept short.",
        "The CCIO gave a walk-through of the new dashboards; documents promised by email followed within the week.",
        "Met the exemplar's lead informally over lunch; not recorded.",
        "Quiet visit: the go-live had been postponed, so the team talked mostly about readiness.",
    ];
    private static readonly string[] Analysts = ["demo-analyst", "demo-analyst-2", "demo-analyst-3"];

    /// <summary>The demo's evaluation id for a seed: fixed, so seeding twice finds it.</summary>
    public static Guid EvaluationId(int seed) => new(SHA256.HashData(Encoding.UTF8.GetBytes($"fieldwork-demo:{seed}")).AsSpan(0, 16));

    /// <summary>What a seed wrote; <paramref name="EventImport"/> is the bulk path's time in Marten's event import alone (zero on the append path).</summary>
    public sealed record Summary(Guid EvaluationId, bool AlreadyThere, int Events, int Interviews, int Observations, int Documents, int Codings,
        TimeSpan Elapsed, TimeSpan EventImport = default, int Visits = 0);

    /// <summary>Seeds the demo unless an evaluation with its id is already there.</summary>
    public static Task<Summary> SeedAsync(IDocumentStore store, Secrets.KeyRing keys, int seed = 2018, string? name = null,
        CancellationToken cancellation = default) =>
        SeedWithAsync(store, seed, 1, name, async plan =>
        {
            await plan.WriteAsync(store, keys, cancellation);
            return TimeSpan.Zero;
        }, cancellation);

    /// <summary>
    /// The same evaluation through Marten's streaming bulk import (COPY, in record order, keeping
    /// the record times), then its read models folded from the stored events by the same code the
    /// inline projections run, and stored in bulk. For scale data: much faster than appending.
    /// With <paramref name="size"/> K, the same sites, pairings and waves with K times the evidence
    /// (and so about K times the codings); 1 is the demo's own shape.
    /// </summary>
    public static Task<Summary> SeedBulkAsync(IDocumentStore store, Secrets.KeyRing keys, int seed, string? name = null, int size = 1,
        CancellationToken cancellation = default) =>
        SeedWithAsync(store, seed, size, name, plan => plan.BulkWriteAsync(store, keys, cancellation), cancellation);

    /// <summary>What seed <paramref name="seed"/> at <paramref name="size"/> would write, without writing anything.</summary>
    public static Summary Preview(int seed, int size = 1)
    {
        var plan = new Plan(EvaluationId(seed), seed, "preview", size);
        plan.Build();
        return new Summary(EvaluationId(seed), false, plan.Records.Count, plan.Interviews, plan.Observations, plan.Documents, plan.Codings,
            TimeSpan.Zero, Visits: plan.Visits);
    }

    /// <summary>Builds the plan of seed <paramref name="seed"/> and has <paramref name="write"/> store it (answering its event import time), unless it is there.</summary>
    private static async Task<Summary> SeedWithAsync(IDocumentStore store, int seed, int size, string? name, Func<Plan, Task<TimeSpan>> write,
        CancellationToken cancellation)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var id = EvaluationId(seed);
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<Evaluation>(id, cancellation) is not null)
            {
                return new Summary(id, true, 0, 0, 0, 0, 0, watch.Elapsed);
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var plan = new Plan(id, seed, name ?? "GDE evaluation (synthetic demo)", size);
        plan.Build();
        var import = await write(plan);
        return new Summary(id, false, plan.Records.Count, plan.Interviews, plan.Observations, plan.Documents, plan.Codings, watch.Elapsed, import, plan.Visits);
    }

    /// <summary>One event to record: its stream, the stream's type, when it was recorded and by whom (and when they wrote it down, if their device said).</summary>
    private sealed record Record(DateTimeOffset At, Guid Stream, Type StreamType, object Event, string By, DateTimeOffset? LoggedAt)
    {
        /// <summary>Puts the event's record time, user and <c>loggedAt</c> header on the event about to be stored.</summary>
        public void Stamp(JasperFx.Events.IEvent e)
        {
            e.Timestamp = At;
            e.UserName = By;
            if (LoggedAt is { } loggedAt)
            {
                e.SetHeader(VisitTimeline.LoggedAtHeader, loggedAt.ToString("O", CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>What was done at one site in one wave, as coverage will count it.</summary>
    private readonly record struct Done(int Visits, int Interviews, int Observations, int Documents);

    /// <summary>A visit being generated: where, when, who logged it, and when it synced (its items follow it, a minute or two apart).</summary>
    private sealed class Trip(Guid id, Guid[] siteIds, Guid? pairing, DateOnly startsOn, int days, bool inDepth, string by, DateTimeOffset loggedAt,
        DateTimeOffset synced)
    {
        private int items;

        public Guid Id => id;

        public Guid[] SiteIds => siteIds;

        /// <summary>The pairing of a joint visit to both its sites.</summary>
        public Guid? Pairing => pairing;

        public DateOnly StartsOn => startsOn;

        public int Days => days;

        public bool InDepth => inDepth;

        public string By => by;

        public DateTimeOffset LoggedAt => loggedAt;

        /// <summary>The record time of the visit's next item (its text a minute after).</summary>
        public DateTimeOffset NextItem() => synced.AddMinutes(1 + (2 * items++));
    }

    /// <summary>Everything a seed records; <paramref name="size"/> multiplies each wave's interviews, observations and documents.</summary>
    private sealed class Plan(Guid evaluation, int seed, string name, int size)
    {
        private readonly Random random = new(seed);
        private readonly HashSet<Guid> started = [];
        private readonly List<(Guid Id, string Code, ProgrammeRole Role, SiteKind Kind, string Cohort, CaseDepth Depth)> sites = [];

        /// <summary>When each exemplar and follower was enrolled: nothing pairs them before.</summary>
        private readonly Dictionary<Guid, DateOnly> enrolledOn = [];
        private readonly List<(Guid Id, DateOnly Starts, DateOnly Ends)> waves = [];
        private readonly List<(Guid Id, Guid Site, bool Quote, bool Record)> participants = [];
        private readonly List<(Guid Id, Guid Code, string Name)> codes = [];
        private readonly List<(Guid Evidence, int Length, DateOnly On, string Text)> texts = [];
        private readonly List<(Guid Coding, Guid Evidence, Guid Code, DateTimeOffset At)> codingsMade = [];
        private readonly List<(Guid Pairing, Guid Exemplar, Guid Follower, DateOnly Established)> pairings = [];

        public List<Record> Records { get; } = [];

        public int Interviews { get; private set; }

        public int Observations { get; private set; }

        public int Documents { get; private set; }

        public int Codings { get; private set; }

        public int Visits { get; private set; }

        public List<(Guid Id, byte[] Key, List<Guid> Participants)> TextKeys { get; } = [];

        public List<UniqueClaim> Claims { get; } = [];

        private Guid NewId()
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }

        private static DateTimeOffset At(DateOnly day, int minutes) =>
            new(day.ToDateTime(new TimeOnly(8, 0)).AddMinutes(minutes), TimeSpan.Zero);

        private void Add(DateTimeOffset at, Guid stream, Type type, object e, string by = Lead, DateTimeOffset? loggedAt = null) =>
            Records.Add(new Record(at, stream, type, e, by, loggedAt));

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        public void Build()
        {
            var start = new DateOnly(2016, 9, 1);
            Add(At(start, 0), evaluation, typeof(Evaluation), new EvaluationCreated(evaluation, name, start, new DateOnly(2021, 9, 30),
                "Synthetic demo data shaped like the GDE programme evaluation. No real person, site or statement.", Lead));
            for (var i = 0; i < Members.Length; i++)
            {
                var role = Members[i] switch
                {
                    "demo-lead" => Role.Lead,
                    "demo-fieldworker" or "demo-fieldworker-2" => Role.Fieldworker,
                    "demo-auditor" => Role.Auditor,
                    _ => Role.Analyst,
                };
                Add(At(start, 1 + i), evaluation, typeof(Evaluation), new MemberRoleGranted(evaluation, Members[i], role));
            }

            foreach (var year in new[] { 2018, 2019, 2020 })
            {
                var wave = NewId();
                waves.Add((wave, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31)));
                Add(At(new DateOnly(2017, 11, 1), year), evaluation, typeof(Evaluation),
                    new WaveDefined(evaluation, wave, $"Wave {year - 2017} ({year})", new DateOnly(year, 1, 1), new DateOnly(year, 12, 31)));
            }

            Sites(start);
            Pairings();
            People();
            DefineCodebook();
            Evidence();
            Analysis();
        }

        private void Sites(DateOnly start)
        {
            (SiteKind Kind, string Prefix, string Cohort, int Exemplars, int Followers)[] groups =
            [
                (SiteKind.Acute, "AC", "Acute GDE wave 1", 6, 9),
                (SiteKind.Acute, "AD", "Acute GDE wave 2", 4, 7),
                (SiteKind.MentalHealth, "MH", "Mental health GDE", 2, 4),
                (SiteKind.Ambulance, "AM", "Ambulance GDE", 1, 1),
                (SiteKind.Specialist, "SP", "Specialist", 0, 2),
            ];
            var systems = new[] { "Cerner", "Epic", "System C", "TPP", "Allscripts" };
            var regions = new[] { "North", "Midlands", "London", "South", "East" };
            var n = 0;
            foreach (var (kind, prefix, cohort, exemplars, followers) in groups)
            {
                for (var i = 0; i < exemplars + followers; i++)
                {
                    var id = NewId();
                    var role = i < exemplars ? ProgrammeRole.Exemplar : ProgrammeRole.Follower;
                    var depth = n++ % 3 == 0 ? CaseDepth.InDepth : CaseDepth.Broader;
                    var code = $"{prefix}{i + 1:00}";
                    var enrolled = start.AddDays(random.Next(0, 240));
                    enrolledOn[id] = enrolled;
                    sites.Add((id, code, role, kind, cohort, depth));
                    Claims.Add(new UniqueClaim { Id = UniqueClaim.SiteCode(evaluation, code), HolderId = id });
                    Add(At(enrolled, 10), id, typeof(SiteTimeline), new SiteEnrolled(evaluation, id, code, kind, role, cohort, Pick(regions),
                        Pick(systems), depth, enrolled));
                    if (random.Next(4) == 0)
                    {
                        var on = new DateOnly(2018 + random.Next(3), 1 + random.Next(12), 1);
                        Add(At(on.AddDays(random.Next(5, 40)), 20), id, typeof(SiteTimeline),
                            new SiteAttributesChanged(evaluation, id, on, null, null, null, null, Pick(systems), null));
                    }
                }
            }

            foreach (var (code, kind) in new[] { ("NB01", SiteKind.NationalBody), ("NB02", SiteKind.NationalBody), ("VE01", SiteKind.Vendor), ("VE02", SiteKind.Vendor) })
            {
                var id = NewId();
                sites.Add((id, code, ProgrammeRole.Other, kind, "National level", CaseDepth.None));
                Claims.Add(new UniqueClaim { Id = UniqueClaim.SiteCode(evaluation, code), HolderId = id });
                Add(At(start.AddDays(30), 30), id, typeof(SiteTimeline), new SiteEnrolled(evaluation, id, code, kind, ProgrammeRole.Other,
                    "National level", null, null, CaseDepth.None, start.AddDays(30)));
            }
        }

        private void Pairings()
        {
            var exemplars = sites.Where(s => s.Role == ProgrammeRole.Exemplar).ToList();
            var followers = sites.Where(s => s.Role == ProgrammeRole.Follower).ToList();
            for (var i = 0; i < followers.Count; i++)
            {
                var follower = followers[i];
                var exemplar = exemplars.Where(e => e.Kind == follower.Kind).DefaultIfEmpty(exemplars[i % exemplars.Count]).ElementAt(i % Math.Max(1,
                    exemplars.Count(e => e.Kind == follower.Kind)));
                var id = NewId();
                // Never before both sites were enrolled (the API refuses such a pairing).
                var proposed = new[] { new DateOnly(2017, 1, 15).AddDays(random.Next(0, 200)), enrolledOn[exemplar.Id], enrolledOn[follower.Id] }.Max();
                var established = proposed.AddDays(random.Next(30, 240));
                Add(At(proposed.AddDays(3), 40), id, typeof(PairingTimeline), new PairingProposed(evaluation, id, exemplar.Id, follower.Id, proposed));
                Add(At(established.AddDays(5), 40), id, typeof(PairingTimeline), new PairingEstablished(evaluation, id, established));
                Add(At(established.AddDays(20), 50), id, typeof(PairingTimeline), new AlignmentAssessed(evaluation, id, established.AddDays(14),
                    random.Next(3) > 0, random.Next(2) == 0, random.Next(20, 300), random.Next(4) == 0, 1 + random.Next(5), "Assessed at set-up."));
                if (i == 0)
                {
                    // One follower left its exemplar by January 2018.
                    var dissolved = new DateOnly(2017, 12, 15);
                    Add(At(new DateOnly(2018, 1, 10), 60), id, typeof(PairingTimeline),
                        new PairingDissolved(evaluation, id, dissolved, "The follower moved to a different exemplar's approach."));
                    continue;
                }

                Claims.Add(new UniqueClaim { Id = UniqueClaim.OpenPairing(evaluation, exemplar.Id, follower.Id), HolderId = id });
                pairings.Add((id, exemplar.Id, follower.Id, established));
                var exchanges = 3 + random.Next(5);
                var turns = random.Next(4) > 0 ? 1 + random.Next(exchanges - 1) : exchanges;
                for (var x = 0; x < exchanges; x++)
                {
                    var on = new DateOnly(2018, 1, 10).AddDays(x * 150 + random.Next(120));
                    var direction = x < turns ? ExchangeDirection.ExemplarToFollower : (ExchangeDirection)random.Next(1, 3);
                    Add(At(on.AddDays(random.Next(2, 20)), 70), id, typeof(PairingTimeline), new KnowledgeExchangeObserved(evaluation, id, NewId(), on,
                        direction, (ExchangeChannel)random.Next(2), Pick(SyntheticText.Subjects), []));
                }
            }

            var others = sites.Where(s => s.Role == ProgrammeRole.Other).ToList();
            foreach (var follower in followers.Take(8))
            {
                var link = NewId();
                var on = new DateOnly(2018, 3, 1).AddDays(random.Next(600));
                Add(At(on.AddDays(10), 80), link, typeof(Link), new LinkFormed(evaluation, link, follower.Id, Pick(others).Id, on,
                    "Informal contact outside the programme (synthetic)."));
            }
        }

        private void People()
        {
            var roles = new[] { "Chief clinical information officer", "Chief nursing information officer", "IT director", "Programme manager",
                "Ward manager", "Consultant", "Pharmacist", "Trainer", "Board member", "Clinical safety officer" };
            var n = 0;
            foreach (var site in sites.Where(s => s.Role != ProgrammeRole.Other))
            {
                for (var i = 0; i < (site.Depth == CaseDepth.InDepth ? 6 : 3); i++)
                {
                    var id = NewId();
                    var quote = random.Next(10) > 0;
                    var record = random.Next(20) > 0;
                    participants.Add((id, site.Id, quote, record));
                    // Consent forms are signed at recruitment, a few weeks before the participant is logged.
                    var registeredOn = new DateOnly(2017, 12, 1).AddDays(random.Next(40));
                    Add(At(registeredOn, 90), id, typeof(ParticipantTimeline), new ParticipantRegistered(
                        evaluation, id, $"P-{++n:000}", Pick(roles), site.Id,
                        new ConsentScope(true, record, quote, random.Next(3) > 0, LawfulBasis.PublicTask, "PIS v1.2"), null,
                        registeredOn.AddDays(-14 - (n % 21))));
                }
            }
        }

        private void DefineCodebook()
        {
            var codebook = Codebook.StreamId(evaluation);
            (string Dimension, string[] Children)[] frame =
            [
                ("Technology", ["Usability", "Interoperability", "Infrastructure", "Data quality", "Vendor relationship", "Configuration", "Decision support", "Mobile devices", "Integration engines", "Downtime"]),
                ("People", ["Clinical engagement", "Digital skills", "Training", "Workload", "Champions", "Resistance", "Trust in data", "Patient involvement", "Leadership style", "Staff turnover"]),
                ("Organisation", ["Governance", "Benefits realisation", "Programme management", "Funding", "Clinical safety", "Culture", "Workarounds", "Board priorities", "Procurement", "Optimisation"]),
                ("Macro-environment", ["National policy", "Regulation", "Regional networks", "Supplier market", "Funding rules", "Blueprints", "Peer learning", "Accreditation", "Public scrutiny", "Pandemic"]),
            ];
            var day = new DateOnly(2018, 2, 1);
            foreach (var (dimension, children) in frame)
            {
                var parent = NewId();
                codes.Add((parent, parent, dimension));
                Add(At(day, codes.Count), codebook, typeof(Codebook), new CodeDefined(evaluation, parent, dimension,
                    $"Everything about {dimension.ToLowerInvariant()} in the sociotechnical frame.", dimension.ToLowerInvariant(), null));
                foreach (var child in children)
                {
                    var id = NewId();
                    codes.Add((id, id, child));
                    Add(At(day, codes.Count), codebook, typeof(Codebook), new CodeDefined(evaluation, id, child,
                        $"Talk or text about {child.ToLowerInvariant()}.", dimension.ToLowerInvariant(), parent));
                }
            }

            // The codebook evolves: definitions sharpened after wave 1, one code merged, one retired.
            foreach (var (id, _, codeName) in codes.Where((_, i) => i % 7 == 3))
            {
                Add(At(new DateOnly(2019, 2, 1).AddDays(random.Next(60)), 5), codebook, typeof(Codebook),
                    new CodeRevised(evaluation, id, null, $"Talk or text about {codeName.ToLowerInvariant()}, including what people do instead (revised after wave 1).", null));
            }

            var duplicate = NewId();
            var champions = codes.First(c => c.Name == "Champions").Id;
            Add(At(new DateOnly(2018, 6, 1), 1), codebook, typeof(Codebook), new CodeDefined(evaluation, duplicate, "Super-users",
                "Staff who help colleagues with the system.", "people", codes.First(c => c.Name == "People").Id));
            codes.Add((duplicate, duplicate, "Super-users"));
            Add(At(new DateOnly(2019, 9, 1), 1), codebook, typeof(Codebook), new CodeMerged(evaluation, duplicate, champions));
            var retired = codes.First(c => c.Name == "Mobile devices").Id;
            Add(At(new DateOnly(2020, 3, 1), 1), codebook, typeof(Codebook), new CodeRetired(evaluation, retired, "Folded into infrastructure."));
        }

        /// <summary>
        /// The fieldwork, wave by wave: visits first (each in-depth site one to three times in
        /// every wave, each broader site once or twice over the evaluation, a day or two each, by
        /// one or two fieldworkers), then the wave's interviews, observations and documents dealt to its
        /// visits (busier at in-depth sites and on two-day visits; every visit has an interview).
        /// One document in four is captured remotely (an in-depth site's board papers and reports,
        /// sent between visits) and belongs to no visit. Then the wave's plan (<see cref="PlanWave"/>).
        /// </summary>
        private void Evidence()
        {
            var cases = sites.Where(s => s.Role != ProgrammeRole.Other).ToList();
            var inDepth = cases.Where(s => s.Depth == CaseDepth.InDepth).ToList();
            var broader = cases.Where(s => s.Depth == CaseDepth.Broader).ToList();
            var codeOf = sites.ToDictionary(s => s.Id, s => s.Code);

            // Broader sites: one or two waves each; a few were planned into the wave before theirs and slipped.
            var broaderWaves = broader.ToDictionary(s => s.Id,
                _ => Enumerable.Range(0, waves.Count).OrderBy(_ => random.Next()).Take(random.Next(3) == 0 ? 2 : 1).ToHashSet());
            var slipped = Enumerable.Range(0, waves.Count).Select(w => w + 1 < waves.Count
                ? broader.Where(s => broaderWaves[s.Id].Contains(w + 1) && !broaderWaves[s.Id].Contains(w)).OrderBy(_ => random.Next())
                    .Take(1 + random.Next(2)).Select(s => s.Id).ToList()
                : []).ToList();

            for (var w = 0; w < waves.Count; w++)
            {
                var (wave, from, to) = waves[w];
                var first = from.AddDays(14);
                var window = to.AddDays(-21).DayNumber - first.DayNumber;
                var trips = new List<Trip>();
                foreach (var site in inDepth)
                {
                    var count = 1 + random.Next(3);
                    for (var v = 0; v < count; v++)
                    {
                        var startsOn = first.AddDays((v * window / count) + random.Next(window / count));
                        trips.Add(NewTrip(w, [site.Id], null, startsOn, random.Next(3) > 0 ? 2 : 1, true,
                            $"Wave {w + 1} case-study visit to {site.Code}: interviews with the programme team and clinical staff, and {Pick(SyntheticText.Subjects)} observed."));
                    }
                }

                foreach (var site in broader.Where(s => broaderWaves[s.Id].Contains(w)))
                {
                    var startsOn = first.AddDays(random.Next(window));
                    var pairing = pairings.FirstOrDefault(p => (p.Follower == site.Id || p.Exemplar == site.Id) && p.Established <= startsOn);
                    var partner = pairing.Follower == site.Id ? pairing.Exemplar : pairing.Follower;
                    var partnerSite = inDepth.FirstOrDefault(s => s.Id == partner);
                    var joint = pairing.Pairing != Guid.Empty && partnerSite.Id != Guid.Empty && random.Next(3) == 0;
                    trips.Add(joint
                        ? NewTrip(w, [site.Id, partner], pairing.Pairing, startsOn, 2, false,
                            $"Wave {w + 1} joint visit to the pairing of {codeOf[pairing.Exemplar]} and {codeOf[pairing.Follower]}: how {Pick(SyntheticText.Subjects)} travelled between them.")
                        : NewTrip(w, [site.Id], null, startsOn, random.Next(3) == 0 ? 2 : 1, false,
                            $"Wave {w + 1} visit to {site.Code}: interviews on {Pick(SyntheticText.Subjects)}, documents collected."));
                }

                var weights = trips.Select(t => (t.InDepth ? 2 : 1) * t.Days).ToArray();
                Trip Deal()
                {
                    var n = random.Next(weights.Sum());
                    var i = 0;
                    while (n >= weights[i])
                    {
                        n -= weights[i++];
                    }

                    return trips[i];
                }

                var done = new Dictionary<Guid, Done>();
                void Count(IEnumerable<Guid> siteIds, Func<Done, Done> add)
                {
                    foreach (var siteId in siteIds)
                    {
                        done[siteId] = add(done.GetValueOrDefault(siteId));
                    }
                }

                foreach (var trip in trips)
                {
                    Count(trip.SiteIds, d => d with { Visits = d.Visits + 1 });
                }

                for (var i = 0; i < 150 * size; i++)
                {
                    var trip = i < trips.Count ? trips[i] : Deal();
                    var on = trip.StartsOn.AddDays(random.Next(trip.Days));
                    var siteId = Pick(trip.SiteIds);
                    var pool = participants.Where(p => p.Site == siteId).ToList();
                    var group = random.Next(6) == 0;
                    var people = group ? pool.Take(2 + random.Next(2)).ToList() : [Pick(pool)];
                    var id = NewId();
                    var paired = trip.Pairing is not null && random.Next(2) == 0;
                    Guid[] siteIds = paired ? [.. trip.SiteIds] : [siteId];
                    var recorded = trip.NextItem();
                    Add(recorded, id, typeof(EvidenceTimeline), new InterviewLogged(evaluation, id, on, wave, siteIds, paired ? trip.Pairing : null,
                        [.. people.Select(p => p.Id)], group ? InterviewFormat.Group : InterviewFormat.OneToOne, (InterviewMode)random.Next(3),
                        30 + random.Next(60), trip.Id), trip.By, trip.LoggedAt);
                    Count(siteIds, d => d with { Interviews = d.Interviews + 1 });
                    Interviews++;
                    if (people.All(p => p.Record))
                    {
                        var text = EvidenceText.Normalise(SyntheticText.Transcript(random, 1200 + random.Next(1800)));
                        var key = new byte[32];
                        random.NextBytes(key);
                        TextKeys.Add((id, key, [.. people.Select(p => p.Id)]));
                        var textKey = new TextSecret(id, key);
                        Add(recorded.AddMinutes(1), id, typeof(EvidenceTimeline), new TextVersionAdded(evaluation, id, 1, text.Length, null, null,
                            TextVault.Seal(textKey, 1, text.Text), TextVault.Fingerprint(textKey, text.Text)), trip.By, trip.LoggedAt);
                        texts.Add((id, text.Length, on, text.Text));
                    }
                }

                for (var i = 0; i < 53 * size; i++)
                {
                    var trip = Deal();
                    var on = trip.StartsOn.AddDays(random.Next(trip.Days));
                    Guid[] siteIds = [Pick(trip.SiteIds)];
                    var id = NewId();
                    var recorded = trip.NextItem();
                    Add(recorded, id, typeof(EvidenceTimeline), new ObservationLogged(evaluation, id, on, wave, siteIds, null,
                        (ObservationSetting)random.Next(4), 60 + random.Next(180), trip.Id), trip.By, trip.LoggedAt);
                    var text = EvidenceText.Normalise(SyntheticText.FieldNotes(random, 800 + random.Next(1200)));
                    Add(recorded.AddMinutes(1), id, typeof(EvidenceTimeline), new TextVersionAdded(evaluation, id, 1, text.Length, text.Sha256, text.Text, null),
                        trip.By, trip.LoggedAt);
                    Count(siteIds, d => d with { Observations = d.Observations + 1 });
                    texts.Add((id, text.Length, on, text.Text));
                    Observations++;
                }

                for (var i = 0; i < 107 * size; i++)
                {
                    var remote = random.Next(4) == 0;
                    var trip = remote ? null : Deal();
                    var site = remote ? Pick(inDepth).Id : Pick(trip!.SiteIds);
                    var on = trip is null ? from.AddDays(random.Next(to.DayNumber - from.DayNumber - 20)) : trip.StartsOn.AddDays(random.Next(trip.Days));
                    var id = NewId();
                    var recorded = trip?.NextItem() ?? At(on.AddDays(random.Next(1, 30)), 300);
                    var by = trip?.By ?? "demo-fieldworker";
                    var type = Pick(SyntheticText.DocumentTypes);
                    var title = string.Create(CultureInfo.InvariantCulture, $"{type} ({codeOf[site]}, {on:MMMM yyyy})");
                    Add(recorded, id, typeof(EvidenceTimeline), new DocumentCaptured(evaluation, id, on, on.AddDays(-random.Next(1, 60)), wave, title,
                        $"{codeOf[site]} {Pick(SyntheticText.Issuers)}", type, [site], $"demo/{codeOf[site]}/{w + 1}/{i}", trip?.Id), by, trip?.LoggedAt);
                    var text = EvidenceText.Normalise(SyntheticText.Document(random, 600 + random.Next(1500)));
                    Add(recorded.AddMinutes(1), id, typeof(EvidenceTimeline), new TextVersionAdded(evaluation, id, 1, text.Length, text.Sha256, text.Text, null),
                        by, trip?.LoggedAt);
                    Count([site], d => d with { Documents = d.Documents + 1 });
                    texts.Add((id, text.Length, on, text.Text));
                    Documents++;
                }

                PlanWave(w, inDepth.Select(s => s.Id).ToList(), [.. broader.Where(s => broaderWaves[s.Id].Contains(w)).Select(s => s.Id)], slipped[w], done);
            }
        }

        /// <summary>
        /// A wave's plan, set by the lead a week to a month before the wave starts: every in-depth
        /// site with targets for visits, interviews, observations and documents, and the broader
        /// sites due a visit (among them some that slip to the next wave, so notStarted at its end).
        /// Two or three in-depth sites are asked for more than they get (another visit, or more
        /// interviews): inProgress at the wave's end. In some waves (always the second) the lead
        /// revises the plan mid-wave, and it is the revision that raises those targets, so a
        /// <c>knownAt</c> before it shows those sites met. The others are met.
        /// </summary>
        private void PlanWave(int w, List<Guid> inDepth, List<Guid> visited, List<Guid> slipped, Dictionary<Guid, Done> done)
        {
            var (wave, from, _) = waves[w];
            var stream = WavePlanTimeline.StreamId(evaluation, wave);
            var shorts = inDepth.OrderBy(_ => random.Next()).Take(2 + random.Next(2)).ToHashSet();
            var revised = w == 1 || random.Next(2) == 0;
            var asked = new List<SiteTargets>();
            var raised = new List<SiteTargets>();
            foreach (var site in inDepth)
            {
                var d = done.GetValueOrDefault(site);
                var targets = new SiteTargets(site, d.Visits, Math.Max(2, d.Interviews / 2 * 2), d.Observations > 0 ? Math.Min(d.Observations, 2) : null,
                    d.Documents > 0 ? Math.Min(d.Documents, 3) : null);
                var more = !shorts.Contains(site) ? targets
                    : random.Next(2) == 0 ? targets with { Visits = d.Visits + 1 }
                    : targets with { Interviews = ((d.Interviews / 2) + 2) * 2 };
                asked.Add(revised ? targets : more);
                raised.Add(more);
            }

            foreach (var site in visited.Concat(slipped))
            {
                var d = done.GetValueOrDefault(site);
                var targets = new SiteTargets(site, 1, slipped.Contains(site) ? 2 : d.Interviews >= 2 ? 2 : null, null, null);
                asked.Add(targets);
                raised.Add(targets);
            }

            Add(At(from.AddDays(-7 - random.Next(24)), 30), stream, typeof(WavePlanTimeline), new WavePlanSet(evaluation, wave, asked));
            if (revised)
            {
                Add(At(from.AddDays(120 + random.Next(90)), 30), stream, typeof(WavePlanTimeline), new WavePlanSet(evaluation, wave, raised));
            }
        }

        /// <summary>
        /// A visit, logged when it is made: the fieldworker writes it down on the last day or a day
        /// or two after (its <c>loggedAt</c>), and it syncs, with its items, two days to two weeks
        /// later (its record time).
        /// </summary>
        private Trip NewTrip(int w, Guid[] siteIds, Guid? pairing, DateOnly startsOn, int days, bool inDepth, string purpose)
        {
            var id = NewId();
            var endsOn = startsOn.AddDays(days - 1);
            string[] fieldworkers = random.Next(3) == 0 ? [.. Fieldworkers] : [Pick(Fieldworkers)];
            var loggedAt = At(endsOn.AddDays(random.Next(3)), 600 + random.Next(180));
            var synced = At(DateOnly.FromDateTime(loggedAt.UtcDateTime).AddDays(2 + random.Next(13)), 100);
            var notes = random.Next(2) == 0 ? null : Pick(VisitNotes);
            var trip = new Trip(id, siteIds, pairing, startsOn, days, inDepth, fieldworkers[0], loggedAt, synced);
            Add(synced, id, typeof(VisitTimeline), new VisitLogged(evaluation, id, siteIds, startsOn, endsOn, waves[w].Id, fieldworkers, purpose, notes),
                trip.By, loggedAt);
            Visits++;
            return trip;
        }

        private void Analysis()
        {
            var leaves = codes.Where(c => c.Name is not ("Technology" or "People" or "Organisation" or "Macro-environment" or "Super-users" or "Mobile devices")).ToList();
            foreach (var (evidence, length, on, text) in texts)
            {
                // Coders mark whole words: spans start after a space or line break and end before one.
                int WordStart(int i)
                {
                    while (i > 0 && !char.IsWhiteSpace(text[i - 1]))
                    {
                        i--;
                    }

                    return i;
                }

                int WordEnd(int i)
                {
                    while (i < length && !char.IsWhiteSpace(text[i]))
                    {
                        i++;
                    }

                    return i;
                }

                var codedFrom = new DateOnly(Math.Max(2019, on.Year + 1), 1, 15).AddDays(random.Next(300));
                var segments = Math.Max(3, length / 200);
                for (var s = 0; s < segments; s++)
                {
                    var start = random.Next(Math.Max(1, length - 120));
                    var end = Math.Min(length, start + 30 + random.Next(90));
                    var code = Pick(leaves).Id;
                    foreach (var analyst in Analysts)
                    {
                        // Realistic disagreement: the others miss a segment now and then, pick a neighbouring code, or draw the edges differently.
                        if (analyst != Analysts[0] && random.Next(8) == 0)
                        {
                            continue;
                        }

                        var chosen = analyst != Analysts[0] && random.Next(10) == 0 ? Pick(leaves).Id : code;
                        var from = WordStart(Math.Clamp(start + random.Next(-10, 11), 0, length - 1));
                        var to = Math.Max(WordEnd(Math.Clamp(end + random.Next(-10, 11), from + 1, length)), from + 1);
                        var coding = NewId();
                        var at = At(codedFrom.AddDays(random.Next(30)), 400 + s);
                        Add(at, evidence, typeof(EvidenceTimeline), new CodingApplied(evaluation, evidence, coding, chosen, 1, from, to, analyst, null), analyst);
                        codingsMade.Add((coding, evidence, chosen, at));
                        Codings++;
                    }
                }
            }

            var statements = new[]
            {
                "Followers that adopted their exemplar's build templates reached go-live sooner than those that built their own.",
                "Clinical engagement rose where champions were given protected time.",
                "Knowledge exchange began one-way in most pairings and became two-way as followers gained experience.",
                "Interoperability with primary care remained the most cited barrier in every wave.",
                "Benefits realisation was tracked more consistently at exemplars than at followers.",
                "Workarounds were most common where downtime procedures were unclear.",
                "National blueprints were valued more by followers than by exemplars.",
                "Board priorities shifted from go-live to optimisation between the first and third waves.",
            };
            for (var f = 0; f < statements.Length; f++)
            {
                var finding = NewId();
                var drafted = At(new DateOnly(2020, 4, 1).AddDays(f * 20), 10);
                Add(drafted, finding, typeof(FindingTimeline), new FindingDrafted(evaluation, finding, statements[f],
                    [.. sites.Where((_, i) => i % (f + 3) == 0).Take(3).Select(s => s.Id)], [], [waves[f % 3].Id]), "demo-analyst");
                var support = codingsMade.Where(c => c.At < drafted).OrderBy(_ => random.Next()).Take(12).ToList();
                Add(drafted.AddDays(2), finding, typeof(FindingTimeline), new FindingEvidenceLinked(evaluation, finding, Stance.Supporting,
                    [.. support.Take(9).Select(c => c.Coding)], []), "demo-analyst");
                Add(drafted.AddDays(3), finding, typeof(FindingTimeline), new FindingEvidenceLinked(evaluation, finding, Stance.Contrary,
                    [.. support.Skip(9).Select(c => c.Coding)], []), "demo-analyst");
                var memo = NewId();
                Add(drafted.AddDays(4), memo, typeof(MemoTimeline), new MemoWritten(evaluation, memo, MemoAbout.Finding, finding,
                    "Check this against the third wave before it goes into the interim report.", "demo-analyst-2"), "demo-analyst-2");
                Add(drafted.AddDays(10), finding, typeof(FindingTimeline), new FindingStatusChanged(evaluation, finding, FindingStatus.Draft,
                    FindingStatus.UnderReview, "Ready for the team's review."), "demo-analyst");
                if (f < 5)
                {
                    Add(drafted.AddDays(30), finding, typeof(FindingTimeline), new FindingStatusChanged(evaluation, finding, FindingStatus.UnderReview,
                        FindingStatus.Accepted, "Agreed at the analysis meeting."), Lead);
                }
            }

            foreach (var site in sites.Where(s => s.Depth == CaseDepth.InDepth).Take(10))
            {
                var memo = NewId();
                Add(At(new DateOnly(2019, 3, 1).AddDays(random.Next(400)), 20), memo, typeof(MemoTimeline), new MemoWritten(evaluation, memo,
                    MemoAbout.Site, site.Id, $"{site.Code}: leadership changed twice during the programme; read wave 2 interviews with that in mind.",
                    "demo-analyst-3"), "demo-analyst-3");
            }
        }

        /// <summary>Imports the events in bulk, then stores the read models; answers the time the event import took.</summary>
        public async Task<TimeSpan> BulkWriteAsync(IDocumentStore store, Secrets.KeyRing keys, CancellationToken cancellation)
        {
            var ordered = Records.Select((r, i) => (r, i)).OrderBy(x => x.r.At).ThenBy(x => x.i).Select(x => x.r).ToList();
            var versions = new Dictionary<Guid, long>();
            var events = new List<JasperFx.Events.IEvent>(ordered.Count);
            foreach (var r in ordered)
            {
                var version = versions[r.Stream] = versions.GetValueOrDefault(r.Stream) + 1;
                var e = Timeline.BulkStreams.Event(r.Stream, version, r.Event, r.At);
                r.Stamp(e);
                e.Timestamp = Timeline.BulkStreams.Stored(e.Timestamp);
                e.CausationId = "seed demo (bulk)";
                events.Add(e);
            }

            var types = Records.GroupBy(r => r.Stream).ToDictionary(g => g.Key, g => g.First().StreamType);
            var import = System.Diagnostics.Stopwatch.StartNew();
            await Timeline.BulkStreams.InsertAsync(store, events, types, cancellation);
            import.Stop();

            // The read models, folded from the events (with the sequences the import gave them) by the projections' own code,
            // with the claims and keys, all new: inserted by binary COPY (Marten's bulk insert), in one transaction.
            var documents = Timeline.BulkStreams.ReadModels(events, types);
            await using (var query = store.QuerySession())
            {
                foreach (var (stream, type) in types.Where(t => t.Value == typeof(Evaluation) || t.Value == typeof(Link)))
                {
                    documents.Add(type == typeof(Evaluation)
                        ? (await query.Events.AggregateStreamAsync<Evaluation>(stream, token: cancellation))!
                        : (await query.Events.AggregateStreamAsync<Link>(stream, token: cancellation))!);
                }
            }

            documents.AddRange(Claims);
            documents.AddRange(TextKeys.Select(k => keys.Wrapped(evaluation, k.Id, k.Participants, k.Key)));
            await store.BulkInsertDocumentsAsync(documents, Weasel.Core.BulkInsertMode.InsertsOnly, 5_000, cancellation);
            return import.Elapsed;
        }

        /// <summary>Appends everything in record order, one transaction per recorded day, each event stamped with its record time.</summary>
        public async Task WriteAsync(IDocumentStore store, Secrets.KeyRing keys, CancellationToken cancellation)
        {
            await using (var setup = store.LightweightSession())
            {
                setup.Store(Claims.ToArray());
                foreach (var (id, key, people) in TextKeys)
                {
                    setup.Store(keys.Wrapped(evaluation, id, people, key));
                }

                await setup.SaveChangesAsync(cancellation);
            }

            foreach (var day in Records.OrderBy(r => r.At).GroupBy(r => r.At.UtcDateTime.Date))
            {
                await using var session = store.LightweightSession();
                session.CausationId = "seed demo";
                foreach (var stream in day.GroupBy(r => r.Stream))
                {
                    var records = stream.OrderBy(r => r.At).ToList();
                    var events = records.Select(r => r.Event).ToArray();
                    var action = started.Add(stream.Key)
                        ? session.Events.StartStream(records[0].StreamType, stream.Key, events)
                        : session.Events.Append(stream.Key, events);
                    for (var i = 0; i < records.Count; i++)
                    {
                        records[i].Stamp(action.Events[i]);
                    }
                }

                await session.SaveChangesAsync(cancellation);
            }
        }
    }
}
