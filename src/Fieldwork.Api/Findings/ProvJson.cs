using System.Globalization;
using System.Text.Json.Nodes;

namespace Fieldwork.Api.Findings;

/// <summary>
/// The provenance tree as W3C PROV-JSON: entities for finding versions, codings, text versions,
/// evidence items and memos; activities for logging, coding and analysis; agents for users;
/// and the relations between them with their times. Identifiers are prefixed names (fw:...),
/// which the published schema accepts as URIs.
/// </summary>
public static class ProvJson
{
    public const string MediaType = "application/prov+json";
    public const string Namespace = "urn:fieldwork:";

    public static JsonObject From(ProvenanceView view)
    {
        var doc = new ProvDocument();
        var f = view.Finding;
        string? previous = null;
        foreach (var v in f.Versions)
        {
            var version = $"fw:finding-{f.Id}-v{v.Version}";
            var analysis = $"fw:analysis-{f.Id}-v{v.Version}";
            doc.Entity(version, new JsonObject
            {
                ["prov:type"] = "fw:FindingVersion",
                ["prov:label"] = $"Finding version {v.Version} ({v.Change})",
                ["fw:statement"] = v.Statement,
                ["fw:status"] = Camel(v.Status.ToString()),
                ["fw:version"] = v.Version,
            });
            doc.Activity(analysis, v.RecordedAt, new JsonObject { ["prov:type"] = "fw:Analysis", ["fw:change"] = v.Change });
            doc.Generated(version, analysis, v.RecordedAt);
            doc.People(version, analysis, v.By);
            if (previous is not null)
            {
                doc.Relation("wasDerivedFrom", new JsonObject
                {
                    ["prov:generatedEntity"] = version,
                    ["prov:usedEntity"] = previous,
                    ["prov:type"] = "prov:Revision",
                });
            }

            previous = version;
        }

        var latestAnalysis = $"fw:analysis-{f.Id}-v{f.Version}";
        foreach (var link in view.Evidence)
        {
            var item = link.Coding is { } c ? $"fw:coding-{c.Id}" : $"fw:memo-{link.ItemId}";
            if (link.Coding is { } coding)
            {
                AddCoding(doc, coding);
            }
            else if (link.Memo is { } memo)
            {
                doc.Entity(item, new JsonObject
                {
                    ["prov:type"] = "fw:Memo",
                    ["fw:about"] = $"{Camel(memo.AboutKind.ToString())}:{memo.AboutId}",
                    ["fw:text"] = memo.Text,
                    ["fw:version"] = memo.Version,
                });
                doc.Attributed(item, memo.AuthorId);
            }
            else
            {
                continue;
            }

            doc.Relation("used", new JsonObject { ["prov:activity"] = latestAnalysis, ["prov:entity"] = item, ["prov:time"] = Time(link.LinkedAt) });
            doc.Relation("wasDerivedFrom", new JsonObject
            {
                ["prov:generatedEntity"] = previous!,
                ["prov:usedEntity"] = item,
                ["fw:stance"] = Camel(link.Stance.ToString()),
            });
        }

        return doc.Build();
    }

    private static void AddCoding(ProvDocument doc, CodingProvenance c)
    {
        var coding = $"fw:coding-{c.Id}";
        var act = $"fw:coding-act-{c.Id}";
        var text = $"fw:text-{c.Evidence.Id}-v{c.Text.Version}";
        var evidence = $"fw:evidence-{c.Evidence.Id}";
        var logging = $"fw:logging-{c.Evidence.Id}";
        var attributes = new JsonObject
        {
            ["prov:type"] = "fw:Coding",
            ["fw:code"] = c.Code.Name,
            ["fw:codeDefinition"] = c.Code.Definition,
            ["fw:codeVersion"] = c.Code.Version,
            ["fw:start"] = c.Start,
            ["fw:end"] = c.End,
        };
        if (c.Quote is { } quote)
        {
            attributes["fw:quote"] = quote;
        }

        doc.Entity(coding, attributes);
        doc.Activity(act, c.CodedAt, new JsonObject { ["prov:type"] = "fw:Coding" });
        doc.Generated(coding, act, c.CodedAt);
        doc.People(coding, act, c.CoderId);
        doc.Relation("used", new JsonObject { ["prov:activity"] = act, ["prov:entity"] = text, ["prov:time"] = Time(c.CodedAt) });
        doc.Relation("wasDerivedFrom", new JsonObject { ["prov:generatedEntity"] = coding, ["prov:usedEntity"] = text });
        if (c.Removed && c.RemovedAt is { } removedAt)
        {
            doc.Relation("wasInvalidatedBy", new JsonObject { ["prov:entity"] = coding, ["prov:time"] = Time(removedAt) });
        }

        if (doc.Entity(text, new JsonObject
        {
            ["prov:type"] = "fw:TextVersion",
            ["fw:version"] = c.Text.Version,
            ["fw:length"] = c.Text.Length,
            [c.Text.HmacSha256 is null ? "fw:sha256" : "fw:hmacSha256"] = c.Text.HmacSha256 ?? c.Text.Sha256,
        }))
        {
            doc.Relation("wasDerivedFrom", new JsonObject { ["prov:generatedEntity"] = text, ["prov:usedEntity"] = evidence });
            doc.Attributed(text, c.Text.AddedBy);
        }

        var e = c.Evidence;
        if (doc.Entity(evidence, new JsonObject
        {
            ["prov:type"] = $"fw:{e.Kind}",
            ["fw:fieldDate"] = e.On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["fw:sites"] = string.Join(" ", e.Sites.Select(s => s.Code)),
            ["fw:participants"] = string.Join(" ", e.Participants.Select(p => p.Pseudonym)),
            ["fw:corrections"] = e.Corrections.Count,
        }))
        {
            doc.Activity(logging, e.LoggedAt, new JsonObject { ["prov:type"] = "fw:Logging" });
            doc.Generated(evidence, logging, e.LoggedAt);
            doc.People(evidence, logging, e.LoggedBy);
        }
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];

    private sealed class ProvDocument
    {
        private readonly JsonObject entities = [];
        private readonly JsonObject activities = [];
        private readonly JsonObject agents = [];
        private readonly Dictionary<string, JsonObject> relations = [];
        private int next;

        /// <summary>Adds an entity once; false when it was already there.</summary>
        public bool Entity(string id, JsonObject attributes)
        {
            if (entities.ContainsKey(id))
            {
                return false;
            }

            entities[id] = attributes;
            return true;
        }

        public void Activity(string id, DateTimeOffset at, JsonObject attributes)
        {
            attributes["prov:startTime"] = Time(at);
            attributes["prov:endTime"] = Time(at);
            activities[id] = attributes;
        }

        public void Generated(string entity, string activity, DateTimeOffset at) =>
            Relation("wasGeneratedBy", new JsonObject { ["prov:entity"] = entity, ["prov:activity"] = activity, ["prov:time"] = Time(at) });

        /// <summary>The user behind an entity and the activity that made it.</summary>
        public void People(string entity, string activity, string? userId)
        {
            if (Agent(userId) is { } agent)
            {
                Relation("wasAttributedTo", new JsonObject { ["prov:entity"] = entity, ["prov:agent"] = agent });
                Relation("wasAssociatedWith", new JsonObject { ["prov:activity"] = activity, ["prov:agent"] = agent });
            }
        }

        public void Attributed(string entity, string? userId)
        {
            if (Agent(userId) is { } agent)
            {
                Relation("wasAttributedTo", new JsonObject { ["prov:entity"] = entity, ["prov:agent"] = agent });
            }
        }

        public void Relation(string kind, JsonObject body)
        {
            if (!relations.TryGetValue(kind, out var map))
            {
                relations[kind] = map = [];
            }

            map[$"fw:r{++next}"] = body;
        }

        public JsonObject Build()
        {
            var doc = new JsonObject
            {
                ["prefix"] = new JsonObject { ["fw"] = Namespace },
                ["entity"] = entities,
                ["activity"] = activities,
                ["agent"] = agents,
            };
            foreach (var (kind, map) in relations)
            {
                doc[kind] = map;
            }

            return doc;
        }

        private string? Agent(string? userId)
        {
            if (string.IsNullOrEmpty(userId))
            {
                return null;
            }

            var id = $"fw:user-{Uri.EscapeDataString(userId)}";
            agents[id] ??= new JsonObject { ["prov:type"] = "prov:Person", ["fw:userId"] = userId };
            return id;
        }
    }
}
