namespace Fieldwork.Timeline;

/// <summary>
/// Unsigned LEB128 varints: how timelines pack their long, append-only lists (a pairing's
/// thousands of exchanges) so that a document stays small to read and quick to deserialise.
/// </summary>
public static class Varint
{
    public static void Write(List<byte> bytes, long value)
    {
        var v = (ulong)value;
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }

        bytes.Add((byte)v);
    }

    public static long Read(List<byte> bytes, ref int at) => Read(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes), ref at);

    public static long Read(ReadOnlySpan<byte> bytes, ref int at)
    {
        long value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = bytes[at++];
            value |= (long)(b & 0x7f) << shift;
            shift += 7;
        }
        while (b >= 0x80);

        return value;
    }

    /// <summary>A zigzag varint: small negative deltas stay small.</summary>
    public static void WriteZigzag(List<byte> bytes, long value) => Write(bytes, (value << 1) ^ (value >> 63));

    public static long ReadZigzag(ReadOnlySpan<byte> bytes, ref int at)
    {
        var raw = Read(bytes, ref at);
        return (long)((ulong)raw >> 1) ^ -(raw & 1);
    }

    /// <summary>An id as its 16 raw bytes.</summary>
    public static void WriteGuid(List<byte> bytes, Guid id)
    {
        Span<byte> raw = stackalloc byte[16];
        id.TryWriteBytes(raw);
        bytes.AddRange(raw);
    }

    public static Guid ReadGuid(ReadOnlySpan<byte> bytes, ref int at)
    {
        var id = new Guid(bytes.Slice(at, 16));
        at += 16;
        return id;
    }
}
