using System.Text;
using Fieldwork.Timeline;

namespace Fieldwork.Coding;

/// <summary>
/// An item's codings as one base64 string of varints: how <see cref="Evidence.EvidenceTimeline"/>
/// stores them. Codings are nine tenths of an item's document; as JSON objects the demo's 21,000
/// took 7.4 MB and every analysis deserialised all of them; packed they are about a fifth of that
/// and read back without a JSON parser.
/// </summary>
/// <remarks>
/// Per coding: a flags byte (1: a note, 2: removed, 4: a created-at time), the coding's and the
/// code's 16 bytes, the text version, start, and length, the coder (a string, below), the log
/// position as a delta from the previous coding's, the record time (UTC ticks as a zigzag delta
/// from the previous coding's, then the offset in minutes, zigzag); then, as the flags say, the
/// note, the removal (log position, time, who) and the created-at time (ticks, offset). A string is
/// a varint k: 0 for none, k for the k-th string already read, one more than that for a new one,
/// followed by its UTF-8 length and bytes (a coder's name is written once per item).
/// </remarks>
public static class CodingPack
{
    public static string Pack(IReadOnlyList<CodingRecord> codings)
    {
        if (codings.Count == 0)
        {
            return "";
        }

        var bytes = new List<byte>(codings.Count * 56);
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        long sequence = 0;
        long ticks = 0;
        foreach (var c in codings)
        {
            bytes.Add((byte)((c.Note is null ? 0 : 1) | (c.RemovedSequence is null ? 0 : 2) | (c.CreatedAt is null ? 0 : 4)));
            Varint.WriteGuid(bytes, c.Id);
            Varint.WriteGuid(bytes, c.CodeId);
            Varint.Write(bytes, c.TextVersion);
            Varint.Write(bytes, c.Start);
            Varint.Write(bytes, c.End - c.Start);
            WriteString(bytes, strings, c.CoderId);
            Varint.Write(bytes, c.AppliedSequence - sequence);
            sequence = c.AppliedSequence;
            Varint.WriteZigzag(bytes, c.AppliedAt.UtcTicks - ticks);
            ticks = c.AppliedAt.UtcTicks;
            Varint.WriteZigzag(bytes, (long)c.AppliedAt.Offset.TotalMinutes);
            if (c.Note is { } note)
            {
                WriteString(bytes, strings, note);
            }

            if (c.RemovedSequence is { } removed)
            {
                Varint.Write(bytes, removed);
                WriteTime(bytes, c.RemovedAt ?? default);
                WriteString(bytes, strings, c.RemovedBy);
            }

            if (c.CreatedAt is { } created)
            {
                WriteTime(bytes, created);
            }
        }

        return Convert.ToBase64String([.. bytes]);
    }

    public static List<CodingRecord> Unpack(string packed)
    {
        var codings = new List<CodingRecord>();
        if (packed.Length == 0)
        {
            return codings;
        }

        ReadOnlySpan<byte> bytes = Convert.FromBase64String(packed);
        var strings = new List<string>();
        var at = 0;
        long sequence = 0;
        long ticks = 0;
        while (at < bytes.Length)
        {
            var flags = bytes[at++];
            var id = Varint.ReadGuid(bytes, ref at);
            var code = Varint.ReadGuid(bytes, ref at);
            var version = (int)Varint.Read(bytes, ref at);
            var start = (int)Varint.Read(bytes, ref at);
            var end = start + (int)Varint.Read(bytes, ref at);
            var coder = ReadString(bytes, ref at, strings) ?? "";
            sequence += Varint.Read(bytes, ref at);
            ticks += Varint.ReadZigzag(bytes, ref at);
            var applied = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(Varint.ReadZigzag(bytes, ref at)));
            var note = (flags & 1) != 0 ? ReadString(bytes, ref at, strings) : null;
            long? removed = null;
            DateTimeOffset? removedAt = null;
            string? removedBy = null;
            if ((flags & 2) != 0)
            {
                removed = Varint.Read(bytes, ref at);
                removedAt = ReadTime(bytes, ref at);
                removedBy = ReadString(bytes, ref at, strings);
            }

            DateTimeOffset? created = (flags & 4) != 0 ? ReadTime(bytes, ref at) : null;
            codings.Add(new CodingRecord(id, code, version, start, end, coder, note, sequence, applied, removed, removedAt, removedBy, created));
        }

        return codings;
    }

    private static void WriteTime(List<byte> bytes, DateTimeOffset time)
    {
        Varint.Write(bytes, time.UtcTicks);
        Varint.WriteZigzag(bytes, (long)time.Offset.TotalMinutes);
    }

    private static DateTimeOffset ReadTime(ReadOnlySpan<byte> bytes, ref int at)
    {
        var ticks = Varint.Read(bytes, ref at);
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(Varint.ReadZigzag(bytes, ref at)));
    }

    private static void WriteString(List<byte> bytes, Dictionary<string, int> strings, string? value)
    {
        if (value is null)
        {
            Varint.Write(bytes, 0);
            return;
        }

        if (strings.TryGetValue(value, out var known))
        {
            Varint.Write(bytes, known);
            return;
        }

        strings[value] = strings.Count + 1;
        Varint.Write(bytes, strings.Count);
        var utf8 = Encoding.UTF8.GetBytes(value);
        Varint.Write(bytes, utf8.Length);
        bytes.AddRange(utf8);
    }

    private static string? ReadString(ReadOnlySpan<byte> bytes, ref int at, List<string> strings)
    {
        var k = (int)Varint.Read(bytes, ref at);
        if (k == 0)
        {
            return null;
        }

        if (k <= strings.Count)
        {
            return strings[k - 1];
        }

        var length = (int)Varint.Read(bytes, ref at);
        var value = Encoding.UTF8.GetString(bytes.Slice(at, length));
        at += length;
        strings.Add(value);
        return value;
    }
}
