using Fieldwork.Timeline;
using Marten.Events.Aggregation;

namespace Fieldwork.Tests.Domain;

/// <summary>The bulk path stores what the inline projections would have kept: it must know every timeline they keep.</summary>
public sealed class BulkStreamsTests
{
    [Fact]
    public void every_timeline_an_inline_projection_keeps_is_folded_by_the_bulk_path()
    {
        // A projection's SingleStreamProjection<TDoc, TId> is its base or further up (TimelineProjection<TDoc>);
        // an open generic base names no document.
        static IEnumerable<Type> Bases(Type t)
        {
            for (var b = t.BaseType; b is not null; b = b.BaseType)
            {
                yield return b;
            }
        }

        var kept = typeof(IEventTimeline).Assembly.GetTypes()
            .Where(t => !t.ContainsGenericParameters)
            .SelectMany(Bases)
            .Where(b => b.IsGenericType && b.GetGenericTypeDefinition() == typeof(SingleStreamProjection<,>))
            .Select(b => b.GetGenericArguments()[0])
            .Where(typeof(IEventTimeline).IsAssignableFrom)
            .ToHashSet();

        Assert.NotEmpty(kept);
        Assert.Equal(kept.OrderBy(t => t.Name), BulkStreams.Folded.OrderBy(t => t.Name));
    }

    [Fact]
    public void a_bulk_event_carries_its_stream_version_and_a_record_time_postgresql_can_keep()
    {
        var stream = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        var e = BulkStreams.Event(stream, 3, new Fieldwork.Coding.CodeRetired(Guid.NewGuid(), Guid.NewGuid(), "no longer used"), at);

        Assert.Equal((stream, 3L), (e.StreamId, e.Version));
        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
        Assert.Equal(at.UtcTicks - 7, e.Timestamp.UtcTicks);
        Assert.NotEqual(Guid.Empty, e.Id);
    }
}
