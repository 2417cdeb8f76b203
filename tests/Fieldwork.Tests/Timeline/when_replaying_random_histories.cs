using System.Text.Json;
using Fieldwork.Api.Timeline;
using Fieldwork.Evaluations;
using Fieldwork.Pairings;
using Fieldwork.Sites;
using Fieldwork.Tests.Infrastructure;
using Fieldwork.Timeline;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Timeline;

/// <summary>
/// The property behind time travel: for random histories (logged out of order, with
/// corrections) and random cuts of both timelines, the served read models answer exactly what
/// folding the raw events from nothing answers.
/// </summary>
public sealed class when_replaying_random_histories(AppFixture app) : ApiTest(app)
{
    private static readonly DateOnly Start = new(2016, 9, 1);

    [Theory]
    [InlineData(11)]
    [InlineData(29)]
    [InlineData(47)]
    public async Task the_served_state_equals_the_reference_fold_at_every_cut(int seed)
    {
        var random = new Random(seed);
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        var evaluationId = Guid.NewGuid();
        var sequences = new List<long>();

        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Evaluation>(evaluationId,
                new EvaluationCreated(evaluationId, "Random history", Start, new DateOnly(2021, 9, 30), null, "property"));
            await session.SaveChangesAsync();
        }

        var sites = new List<Guid>();
        var pairings = new List<(Guid Id, bool Established, bool Dissolved)>();
        for (var batch = 0; batch < 40; batch++)
        {
            await using var session = store.LightweightSession();
            for (var i = 0; i < random.Next(1, 6); i++)
            {
                Append(session, random, evaluationId, sites, pairings);
            }

            await session.SaveChangesAsync();
            await using var query = store.QuerySession();
            sequences.Add(await query.Events.QueryAllRawEvents().MaxAsync(e => e.Sequence));
        }

        await using var reader = store.QuerySession();
        for (var probe = 0; probe < 60; probe++)
        {
            var asOf = Start.AddDays(random.Next(-30, 365 * 5 + 60));
            var known = random.Next(4) == 0 ? long.MaxValue : sequences[random.Next(sequences.Count)] - random.Next(0, 3);
            var cut = new Cut(asOf, known);

            var served = (await ServedState.SitesAsync(reader, evaluationId, cut), await ServedState.PairingsAsync(reader, evaluationId, cut));
            var reference = await ReferenceFold.StateAsync(reader, evaluationId, cut);

            Assert.Equal(JsonSerializer.Serialize(reference.Sites), JsonSerializer.Serialize(served.Item1));
            Assert.Equal(JsonSerializer.Serialize(reference.Pairings), JsonSerializer.Serialize(served.Item2));
        }
    }

    private static DateOnly AnyDate(Random random) => Start.AddDays(random.Next(0, 365 * 5));

    private static void Append(IDocumentSession session, Random random, Guid evaluationId, List<Guid> sites,
        List<(Guid Id, bool Established, bool Dissolved)> pairings)
    {
        var choice = sites.Count < 2 ? 0 : random.Next(10);
        switch (choice)
        {
            case 0:
                var site = Guid.NewGuid();
                session.Events.StartStream<SiteTimeline>(site, new SiteEnrolled(evaluationId, site, $"S{sites.Count}",
                    SiteKind.Acute, random.Next(2) == 0 ? ProgrammeRole.Exemplar : ProgrammeRole.Follower, "c1", "r1", "Cerner",
                    CaseDepth.Broader, AnyDate(random)));
                sites.Add(site);
                break;
            case 1:
            case 2:
                var changed = sites[random.Next(sites.Count)];
                session.Events.Append(changed, new SiteAttributesChanged(evaluationId, changed, AnyDate(random), null,
                    random.Next(3) == 0 ? ProgrammeRole.Other : null, random.Next(2) == 0 ? $"c{random.Next(5)}" : null, null,
                    random.Next(2) == 0 ? $"EPR{random.Next(4)}" : null, random.Next(4) == 0 ? CaseDepth.InDepth : null));
                break;
            case 3:
                var leaving = sites[random.Next(sites.Count)];
                session.Events.Append(leaving, new SiteWithdrawn(evaluationId, leaving, AnyDate(random), "random"));
                break;
            case 4:
                var pairing = Guid.NewGuid();
                session.Events.StartStream<PairingTimeline>(pairing, new PairingProposed(evaluationId, pairing, sites[0], sites[1], AnyDate(random)));
                pairings.Add((pairing, false, false));
                break;
            default:
                if (pairings.Count == 0)
                {
                    goto case 4;
                }

                var index = random.Next(pairings.Count);
                var (id, established, dissolved) = pairings[index];
                object e = random.Next(7) switch
                {
                    0 when !established => new PairingEstablished(evaluationId, id, AnyDate(random)),
                    1 when !dissolved => new PairingDissolved(evaluationId, id, AnyDate(random), "random"),
                    2 => new PairingDatesCorrected(evaluationId, id, random.Next(2) == 0 ? AnyDate(random) : null,
                        established && random.Next(2) == 0 ? AnyDate(random) : null, dissolved ? AnyDate(random) : null),
                    3 => new AlignmentAssessed(evaluationId, id, AnyDate(random), random.Next(2) == 0, random.Next(2) == 0,
                        random.Next(500), random.Next(2) == 0, random.Next(1, 6), null),
                    _ => new KnowledgeExchangeObserved(evaluationId, id, Guid.NewGuid(), AnyDate(random),
                        (ExchangeDirection)random.Next(3), (ExchangeChannel)random.Next(2), "topic", []),
                };
                pairings[index] = (id, established || e is PairingEstablished, dissolved || e is PairingDissolved);
                session.Events.Append(id, e);
                break;
        }
    }
}
