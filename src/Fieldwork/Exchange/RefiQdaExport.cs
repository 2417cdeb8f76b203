using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Fieldwork.Coding;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Sites;

namespace Fieldwork.Exchange;

/// <summary>One evidence item's text as exported: the item at the cut and its latest text then (null when erased).</summary>
public sealed record ExportedSource(EvidenceState Item, string Name, string? Text);

/// <summary>Everything an export writes, read at one cut.</summary>
public sealed record ExportInput(
    string EvaluationName,
    string? Description,
    string AsOf,
    DateTimeOffset? KnownAt,
    DateTimeOffset ExportedAt,
    IReadOnlyDictionary<Guid, CodeState> Codes,
    IReadOnlyList<ExportedSource> Sources,
    IReadOnlyList<SiteState> Sites,
    IReadOnlyList<Wave> Waves,
    IReadOnlyList<MemoState> Memos);

/// <summary>A REFI-QDA project: the project.qde document, and the plain text of each source for the archive's Sources/ folder.</summary>
public sealed record ExportedProject(XDocument Project, IReadOnlyDictionary<Guid, string> Texts);

/// <summary>
/// Writes an evaluation as REFI-QDA 1.0 (QDA-XML): a project (<c>project.qde</c>, valid against
/// Project.xsd) and a codebook (<c>.qdc</c>, valid against Codebook.xsd). Pure: everything it
/// writes comes from <see cref="ExportInput"/>. Offsets are Fieldwork's own (code points of the
/// NFC, LF-only text), and the texts are written as they are stored, so that a tool that counts
/// characters of the text it is given reads every selection right.
/// </summary>
public static class RefiQdaExport
{
    public static readonly XNamespace Project = "urn:QDA-XML:project:1.0";
    public static readonly XNamespace Codebook = "urn:QDA-XML:codebook:1.0";

    public const string Origin = "Fieldwork";

    /// <summary>The project: users, codebook, variables, cases, sources with their codings, notes and sets.</summary>
    public static ExportedProject ProjectOf(ExportInput input)
    {
        var ns = Project;
        var users = new SortedSet<string>(StringComparer.Ordinal);
        var sources = input.Sources.Where(s => s.Text is not null).ToList();
        var erased = input.Sources.Count - sources.Count;
        var memosAbout = input.Memos.ToLookup(m => m.AboutId);
        var texts = new Dictionary<Guid, string>();
        var skipped = 0;

        var sourceElements = new List<XElement>();
        foreach (var source in sources)
        {
            var item = source.Item;
            var version = item.LatestText!.Version;
            var length = item.LatestText.Length;
            texts[item.Id] = source.Text!;
            Use(users, item.LoggedBy);
            var selections = new List<XElement>();
            foreach (var coding in item.Codings.OrderBy(c => c.Start).ThenBy(c => c.End).ThenBy(c => c.Id))
            {
                if (coding.TextVersion != version || coding.End > length || !input.Codes.ContainsKey(coding.CodeId))
                {
                    skipped++;
                    continue;
                }

                Use(users, coding.CoderId);
                selections.Add(new XElement(ns + "PlainTextSelection",
                    new XAttribute("guid", coding.Id),
                    new XAttribute("name", Quote(source.Text!, coding.Start, coding.End)),
                    new XAttribute("startPosition", coding.Start),
                    new XAttribute("endPosition", coding.End),
                    new XAttribute("creatingUser", UserGuid(coding.CoderId)),
                    new XAttribute("creationDateTime", Time(coding.CreatedAt ?? coding.AppliedAt)),
                    coding.Note is { Length: > 0 } note ? new XElement(ns + "Description", note) : null,
                    new XElement(ns + "Coding",
                        new XAttribute("guid", Derived(coding.Id, "coding")),
                        new XAttribute("creatingUser", UserGuid(coding.CoderId)),
                        new XAttribute("creationDateTime", Time(coding.CreatedAt ?? coding.AppliedAt)),
                        new XElement(ns + "CodeRef", new XAttribute("targetGUID", coding.CodeId)))));
            }

            sourceElements.Add(new XElement(ns + "TextSource",
                new XAttribute("guid", item.Id),
                new XAttribute("name", source.Name),
                new XAttribute("plainTextPath", $"internal://{item.Id}.txt"),
                item.LoggedBy is { } by ? new XAttribute("creatingUser", UserGuid(by)) : null,
                new XAttribute("creationDateTime", Time(item.LoggedAt)),
                new XElement(ns + "Description", Describe(item)),
                selections,
                memosAbout[item.Id].Select(m => new XElement(ns + "NoteRef", new XAttribute("targetGUID", m.Id))),
                SourceVariable(ns, FieldDateVariable, "DateValue", item.Details.On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                SourceVariable(ns, EvidenceKindVariable, "TextValue", item.Details.Kind.ToString())));
        }

        var notes = input.Memos.Select(m =>
        {
            Use(users, m.AuthorId);
            return new XElement(ns + "Note",
                new XAttribute("guid", m.Id),
                new XAttribute("name", $"Memo on {m.AboutKind.ToString().ToLowerInvariant()} {m.AboutId}"),
                new XAttribute("creatingUser", UserGuid(m.AuthorId)),
                new XAttribute("creationDateTime", Time(m.WrittenAt)),
                new XElement(ns + "PlainTextContent", m.Text));
        }).ToList();
        var exportNote = Derived(Guid.Empty, $"export {input.EvaluationName} {input.AsOf} {input.KnownAt:O}");
        var exportText = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Exported from Fieldwork on {Time(input.ExportedAt)}: the evaluation as it stood on {input.AsOf}")
            .Append(input.KnownAt is { } known ? string.Create(CultureInfo.InvariantCulture, $", as known at {Time(known)}.") : ", as known at the export.");
        if (erased > 0)
        {
            exportText.Append(CultureInfo.InvariantCulture, $" {erased} transcript(s) erased at a participant's request are left out, with their codings.");
        }

        if (skipped > 0)
        {
            exportText.Append(CultureInfo.InvariantCulture, $" {skipped} coding(s) of earlier text versions are left out (each source carries its latest text only).");
        }

        notes.Add(new XElement(ns + "Note",
            new XAttribute("guid", exportNote),
            new XAttribute("name", "About this export"),
            new XAttribute("creationDateTime", Time(input.ExportedAt)),
            new XElement(ns + "PlainTextContent", exportText.ToString())));

        var variables = Variables.Select(v => (v.Name, v.Type)).Append((Name: FieldDateVariable, Type: "Date")).Append((Name: EvidenceKindVariable, Type: "Text"))
            .Select(v => new XElement(ns + "Variable",
                new XAttribute("guid", Derived(Guid.Empty, "variable " + v.Name)),
                new XAttribute("name", v.Name),
                new XAttribute("typeOfVariable", v.Type))).ToList();
        var cases = input.Sites.OrderBy(s => s.Code, StringComparer.Ordinal).Select(site => new XElement(ns + "Case",
            new XAttribute("guid", site.Id),
            new XAttribute("name", site.Code),
            Variables.Select(v => v.Value(site) is { } value
                ? new XElement(ns + "VariableValue",
                    new XElement(ns + "VariableRef", new XAttribute("targetGUID", Derived(Guid.Empty, "variable " + v.Name))),
                    new XElement(ns + (v.Type == "Date" ? "DateValue" : "TextValue"), value))
                : null),
            sources.Where(s => s.Item.Details.SiteIds.Contains(site.Id))
                .Select(s => new XElement(ns + "SourceRef", new XAttribute("targetGUID", s.Item.Id))))).ToList();
        var sets = input.Waves.OrderBy(w => w.StartsOn).Select(wave => new XElement(ns + "Set",
            new XAttribute("guid", wave.Id),
            new XAttribute("name", wave.Name),
            new XElement(ns + "Description", string.Create(CultureInfo.InvariantCulture,
                $"Wave {wave.Name}: {wave.StartsOn:yyyy-MM-dd} to {wave.EndsOn:yyyy-MM-dd}")),
            sources.Where(s => s.Item.Details.WaveId == wave.Id)
                .Select(s => new XElement(ns + "MemberSource", new XAttribute("targetGUID", s.Item.Id))))).ToList();
        var codes = CodeElements(ns, input.Codes, memosAbout);
        var projectNotes = input.Memos.Where(m => m.AboutKind is MemoAbout.Site or MemoAbout.Pairing or MemoAbout.Finding)
            .Select(m => m.Id).Prepend(exportNote);

        var project = new XElement(ns + "Project",
            new XAttribute("name", input.EvaluationName),
            new XAttribute("origin", Origin),
            new XAttribute("creationDateTime", Time(input.ExportedAt)),
            users.Count > 0
                ? new XElement(ns + "Users", users.Select(u => new XElement(ns + "User", new XAttribute("guid", UserGuid(u)), new XAttribute("name", u), new XAttribute("id", u))))
                : null,
            codes.Count > 0 ? new XElement(ns + "CodeBook", new XElement(ns + "Codes", codes)) : null,
            new XElement(ns + "Variables", variables),
            cases.Count > 0 ? new XElement(ns + "Cases", cases) : null,
            sourceElements.Count > 0 ? new XElement(ns + "Sources", sourceElements) : null,
            new XElement(ns + "Notes", notes),
            sets.Count > 0 ? new XElement(ns + "Sets", sets) : null,
            input.Description is { Length: > 0 } description ? new XElement(ns + "Description", description) : null,
            projectNotes.Select(id => new XElement(ns + "NoteRef", new XAttribute("targetGUID", id))));
        return new ExportedProject(new XDocument(new XDeclaration("1.0", "utf-8", null), project), texts);
    }

    /// <summary>The codebook alone, or null when it has no codes (a codebook without codes is not valid REFI-QDA).</summary>
    public static XDocument? CodebookOf(IReadOnlyDictionary<Guid, CodeState> codes)
    {
        var elements = CodeElements(Codebook, codes, null);
        return elements.Count == 0
            ? null
            : new XDocument(new XDeclaration("1.0", "utf-8", null),
                new XElement(Codebook + "CodeBook", new XAttribute("origin", Origin), new XElement(Codebook + "Codes", elements)));
    }

    /// <summary>
    /// The code tree: active codes are codable; merged and retired ones are kept (codings made
    /// with them point at them) but not codable, and their description says what became of them.
    /// </summary>
    private static List<XElement> CodeElements(XNamespace ns, IReadOnlyDictionary<Guid, CodeState> codes, ILookup<Guid, MemoState>? memos)
    {
        var children = codes.Values.ToLookup(c => c.ParentId is { } p && codes.ContainsKey(p) ? p : (Guid?)null);
        XElement Element(CodeState code)
        {
            var description = code.Status switch
            {
                CodeStatus.Merged when code.MergedInto is { } into => $"{code.Definition}\n\n[Merged into '{codes.GetValueOrDefault(into)?.Name ?? into.ToString()}'.]",
                CodeStatus.Retired => $"{code.Definition}\n\n[Retired.]",
                _ => code.Definition,
            };
            return new XElement(ns + "Code",
                new XAttribute("guid", code.Id),
                new XAttribute("name", code.Name),
                new XAttribute("isCodable", code.Status == CodeStatus.Active ? "true" : "false"),
                new XElement(ns + "Description", description),
                memos?[code.Id].Select(m => new XElement(ns + "NoteRef", new XAttribute("targetGUID", m.Id))),
                children[code.Id].OrderBy(c => c.Name, StringComparer.Ordinal).Select(Element));
        }

        return [.. children[null].OrderBy(c => c.Name, StringComparer.Ordinal).Select(Element)];
    }

    /// <summary>The source variable that carries an item's field date (an import reads it back as the item's date).</summary>
    public const string FieldDateVariable = "Field date";

    public const string EvidenceKindVariable = "Evidence kind";

    private static XElement SourceVariable(XNamespace ns, string name, string element, string value) =>
        new(ns + "VariableValue",
            new XElement(ns + "VariableRef", new XAttribute("targetGUID", Derived(Guid.Empty, "variable " + name))),
            new XElement(ns + element, value));

    /// <summary>The site attributes every case carries, as REFI-QDA variables.</summary>
    private static readonly (string Name, string Type, Func<SiteState, string?> Value)[] Variables =
    [
        ("Kind", "Text", s => s.Kind.ToString()),
        ("Programme role", "Text", s => s.ProgrammeRole.ToString()),
        ("Cohort", "Text", s => s.Cohort),
        ("Region", "Text", s => s.Region),
        ("EPR system", "Text", s => s.EprSystem),
        ("Case depth", "Text", s => s.CaseDepth.ToString()),
        ("Status", "Text", s => s.Status.ToString()),
        ("Enrolled on", "Date", s => s.EnrolledOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("Withdrawn on", "Date", s => s.WithdrawnOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
    ];

    /// <summary>A stable GUID for a user id: the same user is the same REFI-QDA user in every export.</summary>
    public static Guid UserGuid(string userId) => Derived(Guid.Empty, "user " + userId);

    /// <summary>A name-based GUID (SHA-256 of the owner and the name, shaped as a version 8 UUID): stable across exports.</summary>
    public static Guid Derived(Guid owner, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{owner:N}/{name}"));
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The quoted text of a selection by code-point offsets (what ATLAS.ti and others show as a selection's name).</summary>
    public static string Quote(string text, int start, int end)
    {
        var runes = text.EnumerateRunes().Skip(start).Take(end - start);
        var quote = string.Concat(runes.Select(r => r.ToString()));
        return quote.Length > 200 ? quote[..200] : quote;
    }

    private static string Describe(EvidenceState item)
    {
        var d = item.Details;
        var on = d.On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return d.Kind switch
        {
            EvidenceKind.Interview => $"Interview ({d.Format}, {d.Mode}) on {on}, {d.DurationMinutes} minutes; Fieldwork evidence {item.Id}.",
            EvidenceKind.Observation => $"Observation ({d.Setting}) on {on}, {d.DurationMinutes} minutes; Fieldwork evidence {item.Id}.",
            _ => $"Document '{d.Title}' from {d.Issuer} ({d.DocumentType}), captured {on}; Fieldwork evidence {item.Id}.",
        };
    }

    private static void Use(SortedSet<string> users, string? user)
    {
        if (user is { Length: > 0 })
        {
            users.Add(user);
        }
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
