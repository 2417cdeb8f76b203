using System.Globalization;
using System.Xml.Linq;
using Fieldwork.Coding;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Rules;
using Fieldwork.Sites;

namespace Fieldwork.Exchange;

/// <summary>Who a QDA user became: their name and GUID in the file, and the coder id their codings carry here.</summary>
public sealed record ImportedUser(string? Name, Guid Guid, string CoderId);

/// <summary>What an import did (counts of what it brought in) and what it ignored, in words.</summary>
public sealed record ImportReport(
    Guid Id,
    string? Origin,
    string Sha256,
    int Sources,
    int Codes,
    int Codings,
    int Memos,
    int Cases,
    IReadOnlyList<ImportedUser> Users,
    IReadOnlyList<string> Warnings);

/// <summary>One event to record, with the GUID of the REFI-QDA element it comes from and, for a coding, when the file says it was made.</summary>
public sealed record ImportedEvent(object Data, string? RefiGuid, DateTimeOffset? CreatedAt = null);

/// <summary>The events to record on one stream (started, or appended to when <see cref="Existing"/>).</summary>
public sealed record ImportedStream(Guid Id, Type Aggregate, IReadOnlyList<ImportedEvent> Events, bool Existing = false);

/// <summary>What an import will write, or why it writes nothing.</summary>
public sealed record ImportPlan(Rejection? Rejection, IReadOnlyList<ImportedStream> Streams, IReadOnlyList<(string Claim, Guid Holder)> Claims, ImportReport? Report);

/// <summary>What the import checks against: the evaluation, its sites by code, its codes, and the caller's choices.</summary>
public sealed record ImportContext(
    Evaluation Evaluation,
    Guid ImportId,
    string Sha256,
    IReadOnlyDictionary<string, Guid> SitesByCode,
    IReadOnlyDictionary<Guid, CodeState> Codes,
    DateOnly? CapturedOn,
    Guid? DefaultSiteId,
    OffsetRule? Offsets,
    IReadOnlyDictionary<string, string>? Coders = null);

/// <summary>
/// Plans a REFI-QDA import as pure functions: codes into the codebook (hierarchy kept, matched to
/// existing codes by name and parent), cases into sites (matched by code, else enrolled), text
/// sources into documents (text version 1) with their codings (each tool's offsets mapped onto
/// Fieldwork's), notes into memos. Be liberal in what is read (each thing ignored is a warning),
/// refuse what cannot be placed (a date outside the evaluation, a source no site can hold).
/// Every id is derived from the import and the element's GUID, so the plan is the same for the
/// same file.
/// </summary>
public static class RefiQdaImport
{
    private static readonly XNamespace P = RefiQdaExport.Project;

    public static ImportPlan Codebook(ImportContext context, XDocument codebook)
    {
        var warnings = new List<string>();
        var streams = new List<ImportedStream>();
        var (events, count) = CodeEvents(context, codebook.Root!.Element(RefiQdaExport.Codebook + "Codes"), RefiQdaExport.Codebook, warnings, out _);
        if (events.Count > 0)
        {
            streams.Add(new ImportedStream(Fieldwork.Coding.Codebook.StreamId(context.Evaluation.Id), typeof(Codebook), events, Existing: context.Codes.Count > 0));
        }

        return new ImportPlan(null, streams, [],
            new ImportReport(context.ImportId, codebook.Root.Attribute("origin")?.Value, context.Sha256, 0, count, 0, 0, 0, [], warnings));
    }

    public static ImportPlan Project(ImportContext context, RefiQdaArchive archive)
    {
        var root = archive.Project.Root!;
        var origin = root.Attribute("origin")?.Value;
        var rule = context.Offsets ?? OffsetMap.RuleFor(origin);
        var evaluationId = context.Evaluation.Id;
        var warnings = new List<string>();
        var streams = new List<ImportedStream>();
        var claims = new List<(string, Guid)>();
        if (context.Offsets is null && OffsetMap.RuleFor(origin) == OffsetRule.CodePoints && !(origin ?? "").Contains("Fieldwork", StringComparison.OrdinalIgnoreCase)
            && !(origin ?? "").Contains("ATLAS", StringComparison.OrdinalIgnoreCase) && !(origin ?? "").Contains("QualCoder", StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add($"The project's origin ('{origin}') does not say how it counts offsets: code points assumed (give offsets= to choose).");
        }

        // Users: each becomes a coder id (a member's id when the name is one, else 'refi:<name or guid>').
        var users = new Dictionary<Guid, ImportedUser>();
        foreach (var user in root.Element(P + "Users")?.Elements(P + "User") ?? [])
        {
            if (Guid(user.Attribute("guid")) is not { } guid)
            {
                warnings.Add("A user without a valid guid was ignored.");
                continue;
            }

            var name = user.Attribute("name")?.Value;
            var coder = Mapped(context, guid, name)
                ?? (name is { Length: > 0 } && context.Evaluation.RoleOf(name) is not null ? name : $"refi:{(name is { Length: > 0 } ? name : guid.ToString())}");
            users[guid] = new ImportedUser(name, guid, coder);
        }

        string Coder(XAttribute? attribute)
        {
            if (Guid(attribute) is { } guid)
            {
                if (!users.TryGetValue(guid, out var user))
                {
                    user = new ImportedUser(null, guid, Mapped(context, guid, null) ?? $"refi:{guid}");
                    users[guid] = user;
                }

                return user.CoderId;
            }

            return "refi:unknown";
        }

        // Codes.
        var (codeEvents, codeCount) = CodeEvents(context, root.Element(P + "CodeBook")?.Element(P + "Codes"), P, warnings, out var codeIds);
        var codebookEvents = codeEvents;

        // Cases: sites matched by code, else enrolled; sources they refer to belong to them.
        var siteOfSource = new Dictionary<Guid, List<Guid>>();
        var cases = 0;
        var known = new Dictionary<string, Guid>(context.SitesByCode, StringComparer.OrdinalIgnoreCase);
        foreach (var @case in root.Element(P + "Cases")?.Elements(P + "Case") ?? [])
        {
            var name = @case.Attribute("name")?.Value?.Trim();
            if (Guid(@case.Attribute("guid")) is not { } guid || name is not { Length: > 0 })
            {
                warnings.Add("A case without a guid or a name was ignored.");
                continue;
            }

            var code = name.Length > 20 ? name[..20] : name;
            if (!known.TryGetValue(code, out var siteId))
            {
                siteId = RefiQdaExport.Derived(context.ImportId, "case " + guid);
                var values = Variables(root, @case);
                var enrolled = new SiteEnrolled(evaluationId, siteId, code,
                    Enum<SiteKind>(values.GetValueOrDefault("kind"), SiteKind.Acute, $"case '{name}' kind", warnings),
                    Enum<ProgrammeRole>(values.GetValueOrDefault("programme role"), ProgrammeRole.Other, $"case '{name}' programme role", warnings),
                    values.GetValueOrDefault("cohort"), values.GetValueOrDefault("region"), values.GetValueOrDefault("epr system"),
                    Enum<CaseDepth>(values.GetValueOrDefault("case depth"), CaseDepth.Broader, $"case '{name}' case depth", warnings),
                    DateOnly.TryParse(values.GetValueOrDefault("enrolled on"), CultureInfo.InvariantCulture, out var on) && context.Evaluation.Covers(on)
                        ? on : context.Evaluation.StartsOn);
                streams.Add(new ImportedStream(siteId, typeof(SiteTimeline), [new ImportedEvent(enrolled, guid.ToString())]));
                claims.Add((Uniqueness.UniqueClaim.SiteCode(evaluationId, code), siteId));
                known[code] = siteId;
                cases++;
            }

            foreach (var reference in @case.Elements(P + "SourceRef"))
            {
                if (Guid(reference.Attribute("targetGUID")) is { } source)
                {
                    (siteOfSource.TryGetValue(source, out var list) ? list : siteOfSource[source] = []).Add(siteId);
                }
            }
        }

        // Sources: text sources become documents with their codings; others are skipped.
        var projectDate = Date(root.Attribute("creationDateTime"));
        var errors = new List<Rejection>();
        var sourceIds = new Dictionary<Guid, Guid>();
        var sources = 0;
        var codings = 0;
        var adjusted = 0;
        var sourceElements = root.Element(P + "Sources")?.Elements().ToList() ?? [];
        for (var i = 0; i < sourceElements.Count; i++)
        {
            var element = sourceElements[i];
            var name = element.Attribute("name")?.Value is { Length: > 0 } n ? n : $"Source {i + 1}";
            if (element.Name != P + "TextSource")
            {
                warnings.Add($"'{name}' is a {element.Name.LocalName}: only text sources are imported.");
                continue;
            }

            if (Guid(element.Attribute("guid")) is not { } guid)
            {
                warnings.Add($"'{name}' has no valid guid and was skipped.");
                continue;
            }

            var written = element.Element(P + "PlainTextContent")?.Value ?? archive.Text(element.Attribute("plainTextPath")?.Value);
            if (written is null)
            {
                warnings.Add($"'{name}' has no text in the file (no PlainTextContent, no readable plainTextPath) and was skipped.");
                continue;
            }

            var map = OffsetMap.Build(written, rule);
            if (!map.Exact)
            {
                warnings.Add($"'{name}': the text normalises differently as a whole than piece by piece; its codings' offsets may be off by a character.");
            }

            // The date: the caller's, else the source's field date (a variable Fieldwork's exports carry), else when it was made.
            var fieldDate = DateOnly.TryParse(Variables(root, element).GetValueOrDefault(RefiQdaExport.FieldDateVariable.ToLowerInvariant()),
                CultureInfo.InvariantCulture, out var field) ? field : (DateOnly?)null;
            var capturedOn = context.CapturedOn ?? fieldDate ?? Date(element.Attribute("creationDateTime")) ?? projectDate;
            if (capturedOn is not { } on)
            {
                errors.Add(Rejection.Invalid($"sources[{i}]", $"'{name}' has no creationDateTime, nor has the project: give capturedOn."));
                continue;
            }

            if (!context.Evaluation.Covers(on))
            {
                errors.Add(Rejection.Invalid($"sources[{i}]", $"'{name}' was created on {on:yyyy-MM-dd}, outside the evaluation: give capturedOn."));
                continue;
            }

            var sites = siteOfSource.GetValueOrDefault(guid) ?? (context.DefaultSiteId is { } fallback ? [fallback] : null);
            if (sites is null)
            {
                errors.Add(Rejection.Invalid($"sources[{i}]", $"'{name}' belongs to no case: give siteId for sources without one."));
                continue;
            }

            var id = RefiQdaExport.Derived(context.ImportId, "source " + guid);
            sourceIds[guid] = id;
            var text = EvidenceText.Normalise(map.Text);
            var source = guid.ToString();
            var events = new List<ImportedEvent>
            {
                new(new DocumentCaptured(evaluationId, id, on, null, null, name.Length > 500 ? name[..500] : name, origin is { Length: > 0 } ? (origin.Length > 200 ? origin[..200] : origin) : "REFI-QDA import",
                    "refiQda", [.. sites.Distinct()], $"refi-qda:{guid}"), source),
                new(new TextVersionAdded(evaluationId, id, 1, text.Length, text.Sha256, text.Text, null), source),
            };
            foreach (var selection in element.Elements(P + "PlainTextSelection"))
            {
                var start = Int(selection.Attribute("startPosition"));
                var end = Int(selection.Attribute("endPosition"));
                var from = start is { } s ? map.Start(s) : null;
                var to = end is { } e ? map.End(e) : null;
                if (from is not { } a || to is not { } b || a.Offset >= b.Offset)
                {
                    warnings.Add($"'{name}': a selection [{start}, {end}) lies outside its text ({map.RawLength} as the tool counts) and was skipped.");
                    continue;
                }

                adjusted += a.Adjusted || b.Adjusted ? 1 : 0;
                foreach (var coding in selection.Elements(P + "Coding"))
                {
                    var codeRef = Guid(coding.Element(P + "CodeRef")?.Attribute("targetGUID"));
                    if (codeRef is not { } codeGuid || !codeIds.TryGetValue(codeGuid, out var codeId))
                    {
                        warnings.Add($"'{name}': a coding names a code the codebook does not have and was skipped.");
                        continue;
                    }

                    var codingGuid = Guid(coding.Attribute("guid")) ?? Guid(selection.Attribute("guid")) ?? System.Guid.Empty;
                    var coder = Coder(coding.Attribute("creatingUser") ?? selection.Attribute("creatingUser") ?? selection.Attribute("modifyingUser"));
                    var note = selection.Element(P + "Description")?.Value;
                    var made = Time(coding.Attribute("creationDateTime")) ?? Time(selection.Attribute("creationDateTime")) ?? Time(selection.Attribute("modifiedDateTime"));
                    events.Add(new ImportedEvent(new CodingApplied(evaluationId, id, RefiQdaExport.Derived(context.ImportId, $"coding {codingGuid} {codings}"), codeId, 1,
                        a.Offset, b.Offset, coder, note is { Length: > 0 } ? (note.Length > 2000 ? note[..2000] : note) : null), codingGuid.ToString(), made));
                    codings++;
                }
            }

            foreach (var coding in element.Elements(P + "Coding"))
            {
                warnings.Add($"'{name}': a coding of the whole source was skipped (Fieldwork codes spans of text).");
                _ = coding;
            }

            streams.Add(new ImportedStream(id, typeof(EvidenceTimeline), events));
            sources++;
        }

        if (errors.Count > 0)
        {
            return new ImportPlan(Rejection.Combine(errors), [], [], null);
        }

        if (adjusted > 0)
        {
            warnings.Add($"{adjusted} selection(s) began or ended inside a character (half an emoji, between a letter and its accent) and were widened to whole characters.");
        }

        // Notes: memos about the code or source that refers to them; others are skipped.
        var memos = 0;
        var about = new Dictionary<Guid, (MemoAbout Kind, Guid Id)>();
        foreach (var code in root.Descendants(P + "Code"))
        {
            foreach (var reference in code.Elements(P + "NoteRef"))
            {
                if (Guid(reference.Attribute("targetGUID")) is { } note && Guid(code.Attribute("guid")) is { } c && codeIds.TryGetValue(c, out var codeId))
                {
                    about.TryAdd(note, (MemoAbout.Code, codeId));
                }
            }
        }

        foreach (var source in root.Element(P + "Sources")?.Elements() ?? [])
        {
            foreach (var reference in source.Elements(P + "NoteRef"))
            {
                if (Guid(reference.Attribute("targetGUID")) is { } note && Guid(source.Attribute("guid")) is { } s && sourceIds.TryGetValue(s, out var id))
                {
                    about.TryAdd(note, (MemoAbout.Evidence, id));
                }
            }
        }

        foreach (var note in root.Element(P + "Notes")?.Elements(P + "Note") ?? [])
        {
            var name = note.Attribute("name")?.Value ?? "a note";
            var text = note.Element(P + "PlainTextContent")?.Value ?? archive.Text(note.Attribute("plainTextPath")?.Value);
            if (Guid(note.Attribute("guid")) is not { } guid || !about.TryGetValue(guid, out var target) || text is not { Length: > 0 })
            {
                warnings.Add($"Note '{name}' is about the project or nothing Fieldwork imported, or has no text, and was skipped.");
                continue;
            }

            var id = RefiQdaExport.Derived(context.ImportId, "note " + guid);
            var body = EvidenceText.Normalise(text).Text;
            streams.Add(new ImportedStream(id, typeof(MemoTimeline),
                [new ImportedEvent(new MemoWritten(evaluationId, id, target.Kind, target.Id, body.Length > MemoRules.MaxLength ? body[..MemoRules.MaxLength] : body,
                    Coder(note.Attribute("creatingUser"))), guid.ToString())]));
            memos++;
        }

        if (codebookEvents.Count > 0)
        {
            // Codes first: codings refer to them. (A code not codable is retired; its codings stay, as with any retired code.)
            streams.Insert(0, new ImportedStream(Fieldwork.Coding.Codebook.StreamId(evaluationId), typeof(Codebook), codebookEvents, Existing: context.Codes.Count > 0));
        }

        return new ImportPlan(null, streams, claims, new ImportReport(context.ImportId, origin, context.Sha256, sources, codeCount, codings, memos, cases,
            [.. users.Values.OrderBy(u => u.Name, StringComparer.Ordinal)], warnings));
    }

    /// <summary>
    /// The codes of a Codes element as events: each code matched to an existing code of the same
    /// name under the same parent, else defined (its description as its definition); a code not
    /// codable is retired after. <paramref name="ids"/> maps each file GUID to its code here.
    /// </summary>
    private static (List<ImportedEvent> Events, int Count) CodeEvents(ImportContext context, XElement? codes, XNamespace ns, List<string> warnings,
        out Dictionary<Guid, Guid> ids)
    {
        var events = new List<ImportedEvent>();
        var map = new Dictionary<Guid, Guid>();
        var count = 0;
        var existing = context.Codes.Values.Where(c => c.Status == CodeStatus.Active).ToList();
        var evaluationId = context.Evaluation.Id;

        void Walk(XElement code, Guid? parent)
        {
            var name = code.Attribute("name")?.Value?.Trim();
            if (Guid(code.Attribute("guid")) is not { } guid || name is not { Length: > 0 })
            {
                warnings.Add("A code without a guid or a name was ignored (with its children).");
                return;
            }

            name = name.Length > 200 ? name[..200] : name;
            Guid id;
            if (existing.FirstOrDefault(c => c.ParentId == parent && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)) is { } match)
            {
                id = match.Id;
            }
            else if (map.ContainsKey(guid))
            {
                warnings.Add($"Code '{name}' appears twice; the second was ignored.");
                return;
            }
            else
            {
                id = RefiQdaExport.Derived(context.ImportId, "code " + guid);
                var description = code.Element(ns + "Description")?.Value?.Trim();
                events.Add(new ImportedEvent(new CodeDefined(evaluationId, id, name, description is { Length: > 0 } ? description : name, null, parent), guid.ToString()));
                existing.Add(new CodeState(id, name, "", null, parent, CodeStatus.Active, null, 0, default, default));
                if (code.Attribute("isCodable")?.Value is "false" or "0")
                {
                    events.Add(new ImportedEvent(new CodeRetired(evaluationId, id, "Not codable in the imported project."), guid.ToString()));
                }

                count++;
            }

            map[guid] = id;
            foreach (var child in code.Elements(ns + "Code"))
            {
                Walk(child, id);
            }
        }

        foreach (var code in codes?.Elements(ns + "Code") ?? [])
        {
            Walk(code, null);
        }

        ids = map;
        return (events, count);
    }

    /// <summary>A case's (or a source's) variable values by the variable's name (lower case), as text.</summary>
    private static Dictionary<string, string> Variables(XElement project, XElement @case)
    {
        var names = (project.Element(P + "Variables")?.Elements(P + "Variable") ?? [])
            .Where(v => Guid(v.Attribute("guid")) is not null)
            .GroupBy(v => Guid(v.Attribute("guid"))!.Value)
            .ToDictionary(g => g.Key, g => g.First().Attribute("name")?.Value?.Trim().ToLowerInvariant() ?? "");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in @case.Elements(P + "VariableValue"))
        {
            if (Guid(value.Element(P + "VariableRef")?.Attribute("targetGUID")) is { } variable && names.TryGetValue(variable, out var name)
                && value.Elements().Skip(1).FirstOrDefault()?.Value is { Length: > 0 } text)
            {
                values.TryAdd(name, text.Trim());
            }
        }

        return values;
    }

    private static T Enum<T>(string? value, T fallback, string what, List<string> warnings) where T : struct, System.Enum
    {
        if (value is null)
        {
            return fallback;
        }

        var compact = value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (System.Enum.TryParse<T>(compact, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed))
        {
            return parsed;
        }

        warnings.Add($"The {what} '{value}' is not one Fieldwork knows; {fallback} was taken.");
        return fallback;
    }

    /// <summary>The member a QDA user was mapped to by the caller (by GUID, else by name), if any.</summary>
    private static string? Mapped(ImportContext context, Guid guid, string? name) =>
        context.Coders is not { } coders ? null
        : coders.TryGetValue(guid.ToString(), out var byGuid) ? byGuid
        : name is { Length: > 0 } && coders.TryGetValue(name, out var byName) ? byName
        : null;

    /// <summary>
    /// Reads the caller's mapping of QDA users to members: <c>key=memberId</c> pairs separated by
    /// <c>;</c>, the key a user's GUID or name. Every member named must be one who codes here.
    /// </summary>
    public static (IReadOnlyDictionary<string, string>? Coders, Rejection? Refusal) ParseCoders(string? value, Evaluation evaluation)
    {
        if (value is not { Length: > 0 })
        {
            return (null, null);
        }

        var coders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = pair.LastIndexOf('=');
            if (at <= 0 || at == pair.Length - 1)
            {
                return (null, Rejection.Invalid("users", $"'{pair}' is not key=memberId (the key a QDA user's GUID or name)."));
            }

            var (key, member) = (pair[..at].Trim(), pair[(at + 1)..].Trim());
            if (evaluation.RoleOf(member) is not { } role || !Access.AccessPolicy.Allows(role, Access.Permission.WriteCoding))
            {
                return (null, Rejection.Invalid("users", $"'{member}' is not a member of this evaluation who codes."));
            }

            coders[System.Guid.TryParse(key.Trim('{', '}'), out var guid) ? guid.ToString() : key] = member;
        }

        return (coders, null);
    }

    /// <summary>A GUID as REFI-QDA writes it (any case, with or without braces), or null.</summary>
    public static Guid? Guid(XAttribute? attribute) =>
        attribute?.Value is { } value && System.Guid.TryParse(value.Trim().Trim('{', '}'), out var guid) ? guid : null;

    private static int? Int(XAttribute? attribute) =>
        attribute?.Value is { } value && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static DateTimeOffset? Time(XAttribute? attribute) =>
        attribute?.Value is { } value && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static DateOnly? Date(XAttribute? attribute) =>
        attribute?.Value is { } value && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? DateOnly.FromDateTime(at.UtcDateTime)
            : null;
}

/// <summary>An import as kept: its evaluation and its report, for repeats and for GET .../imports/{id}.</summary>
public sealed class ImportRecord
{
    public Guid Id { get; set; }

    public Guid EvaluationId { get; set; }

    public ImportReport Report { get; set; } = null!;

    /// <summary>False from the moment an import reserves its site codes until its read models and report are stored with it.</summary>
    public bool Complete { get; set; } = true;

    /// <summary>The request's fingerprint and sender: only the same request may finish an import another attempt began.</summary>
    public string? RequestHash { get; set; }

    public string? UserId { get; set; }
}
