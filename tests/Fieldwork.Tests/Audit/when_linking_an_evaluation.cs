using System.Security.Cryptography;
using Fieldwork.Integrity;

namespace Fieldwork.Tests.Audit;

/// <summary>The rules of an evaluation's own chain, without a database.</summary>
public sealed class when_linking_an_evaluation
{
    private static readonly ChainRow Row = new(42, "9a1c0c0e-0000-4000-8000-000000000001", "site_enrolled", "2019-04-15T09:30:00.000000Z",
        "{\"evaluationId\": \"e\"}", "0b6e0c0e-0000-4000-8000-000000000002", "1", "*DEFAULT*", "lead", null, "POST /api/evaluations/e/sites",
        null, "Fieldwork.Sites.SiteEnrolled, Fieldwork", "false", null, "e");

    [Fact]
    public void a_link_does_not_depend_on_the_store_sequence_so_a_moved_evaluation_keeps_its_chain()
    {
        var here = EvaluationChain.Next(EventChain.Genesis, "e", 1, Row);
        var elsewhere = EvaluationChain.Next(EventChain.Genesis, "e", 1, Row with { Sequence = 7 });
        Assert.Equal(here, elsewhere);
    }

    [Fact]
    public void a_link_covers_the_position_the_evaluation_and_every_other_field()
    {
        var link = EvaluationChain.Next(EventChain.Genesis, "e", 1, Row);
        Assert.NotEqual(link, EvaluationChain.Next(EventChain.Genesis, "e", 2, Row));
        Assert.NotEqual(link, EvaluationChain.Next(EventChain.Genesis, "f", 1, Row));
        Assert.NotEqual(link, EvaluationChain.Next(EventChain.Genesis, "e", 1, Row with { UserName = "mallory" }));
        Assert.NotEqual(link, EvaluationChain.Next(EventChain.Genesis, "e", 1, Row with { Timestamp = "2019-04-15T09:30:00.000001Z" }));
        Assert.NotEqual(link, EvaluationChain.Next(EventChain.Genesis, "e", 1, Row with { CorrelationId = "" }));
        Assert.NotEqual(link, EvaluationChain.Next(new byte[32].Select((_, i) => (byte)i).ToArray(), "e", 1, Row));
        // Never the store's link for the same row: the two chains' inputs are kept apart by their tags.
        Assert.NotEqual(link, EventChain.Next(EventChain.Genesis, Row, 2));
    }

    [Fact]
    public void an_evaluation_checkpoint_verifies_only_as_signed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var evaluation = Guid.NewGuid();
        var checkpoint = EvaluationCheckpoint.Sign(key, evaluation, 12, new string('a', 64), new DateTimeOffset(2026, 12, 1, 10, 0, 0, 500, TimeSpan.Zero));
        Assert.Equal($"fieldwork-evaluation-checkpoint/1\nevaluation={evaluation} position=12 head={new string('a', 64)}\ntime=2026-12-01T10:00:00Z",
            checkpoint.Message);
        Assert.True(checkpoint.Verify(key));
        Assert.False((checkpoint with { Position = 13 }).Verify(key));
        Assert.False((checkpoint with { Signature = "not base64!" }).Verify(key));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(checkpoint.Verify(other));
    }
}
