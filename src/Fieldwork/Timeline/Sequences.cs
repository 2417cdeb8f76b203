namespace Fieldwork.Timeline;

/// <summary>The log positions of one stream's events, in order: gives the stream version known at a cut.</summary>
public static class Sequences
{
    /// <summary>How many of the stream's events were known: its version as of that knowledge.</summary>
    public static int VersionKnownAt(this List<long> sequences, long knownUpTo)
    {
        if (knownUpTo == long.MaxValue || sequences.Count == 0 || sequences[^1] <= knownUpTo)
        {
            return sequences.Count;
        }

        var index = sequences.BinarySearch(knownUpTo);
        return index >= 0 ? index + 1 : ~index;
    }
}
