using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Fieldwork.Rules;

namespace Fieldwork.Exchange;

/// <summary>
/// Reads a REFI-QDA file defensively: a .qdpx zip (its project.qde and the texts of its sources)
/// or a .qdc codebook. Nothing is written to disk; entries are inflated into memory with a cap
/// checked while inflating; entry names that climb out of the archive, DTDs and external
/// entities are refused, never resolved. Every refusal is a 400 with words a user can act on.
/// </summary>
public sealed class RefiQdaArchive
{
    /// <summary>The most an archive may inflate to, all entries together.</summary>
    public const long MaxInflatedBytes = 256L * 1024 * 1024;

    /// <summary>The most entries an archive may hold.</summary>
    public const int MaxEntries = 50_000;

    private readonly Dictionary<string, byte[]> entries;

    private RefiQdaArchive(XDocument project, Dictionary<string, byte[]> entries)
    {
        Project = project;
        this.entries = entries;
    }

    public XDocument Project { get; }

    /// <summary>The text a source's <c>plainTextPath</c> names (<c>internal://x.txt</c>: <c>Sources/x.txt</c>, any case), or null.</summary>
    public string? Text(string? plainTextPath)
    {
        if (plainTextPath is not { Length: > 0 })
        {
            return null;
        }

        var name = plainTextPath.StartsWith("internal://", StringComparison.OrdinalIgnoreCase) ? plainTextPath["internal://".Length..] : plainTextPath;
        name = name.Replace('\\', '/').TrimStart('/');
        var found = entries.GetValueOrDefault("sources/" + name.ToLowerInvariant()) ?? entries.GetValueOrDefault(name.ToLowerInvariant());
        return found is null ? null : Decode(found);
    }

    public static (RefiQdaArchive? Archive, Rejection? Refusal) ReadProject(byte[] bytes)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxEntries)
            {
                return (null, Refuse($"The archive holds {zip.Entries.Count} entries; at most {MaxEntries} are read."));
            }

            long total = 0;
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName.Replace('\\', '/');
                if (name.StartsWith('/') || name.Contains(':', StringComparison.Ordinal) || name.Split('/').Any(part => part == ".."))
                {
                    return (null, Refuse($"The archive entry '{entry.FullName}' points outside the archive."));
                }

                if (name.EndsWith('/'))
                {
                    continue;
                }

                // What the entry says it inflates to, checked first; what it does inflate to, counted below.
                if (total + entry.Length > MaxInflatedBytes)
                {
                    return (null, Refuse($"The archive inflates past {MaxInflatedBytes / (1024 * 1024)} MB; larger projects are not read."));
                }

                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    total += read;
                    if (total > MaxInflatedBytes)
                    {
                        return (null, Refuse($"The archive inflates past {MaxInflatedBytes / (1024 * 1024)} MB; larger projects are not read."));
                    }

                    buffer.Write(chunk, 0, read);
                }

                entries[name.ToLowerInvariant()] = buffer.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            return (null, Refuse($"The body is not a readable zip archive ({e.Message})."));
        }

        var qde = entries.FirstOrDefault(e => e.Key.EndsWith(".qde", StringComparison.Ordinal) && !e.Key.Contains('/', StringComparison.Ordinal));
        if (qde.Value is null)
        {
            return (null, Refuse("The archive has no project.qde at its root: it is not a REFI-QDA project."));
        }

        var (document, refusal) = ParseXml(qde.Value, RefiQdaExport.Project + "Project", "project.qde");
        return refusal is not null ? (null, refusal) : (new RefiQdaArchive(document!, entries), null);
    }

    /// <summary>Parses REFI-QDA XML with no DTD and no resolver; the root must be <paramref name="root"/>.</summary>
    public static (XDocument? Document, Rejection? Refusal) ParseXml(byte[] bytes, XName root, string what)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
            var document = XDocument.Load(reader);
            if (document.Root?.Name != root)
            {
                return (null, Refuse($"{what} is not REFI-QDA: its root element is '{document.Root?.Name}', not '{root}'."));
            }

            return (document, null);
        }
        catch (XmlException e)
        {
            return (null, Refuse($"{what} is not well-formed XML, or holds a DTD (never read): {e.Message}"));
        }
    }

    private static string Decode(byte[] bytes)
    {
        // UTF-8 unless a BOM says UTF-16 (NVivo for Windows writes UTF-8 with a BOM; Normalise drops it).
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.Unicode, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        return new UTF8Encoding(false).GetString(bytes);
    }

    private static Rejection Refuse(string detail) => Rejection.Invalid("body", detail);
}
