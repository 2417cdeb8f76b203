using System.Net;
using Fieldwork.Evidence;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Evidence;

/// <summary>
/// Counts are read from small counting documents kept beside each item; a store written before
/// they existed gets them at start-up from the items' full timelines, and counts the same.
/// </summary>
public sealed class when_counting_evidence_kept_before_its_counts(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task the_backfill_restores_the_counting_documents_and_the_counts_read_the_same()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var url = $"/api/evaluations/{evaluation}";
        var site = await EnrolSite(evaluation, lead, "RBF");
        var code = (await Post($"{url}/codebook/codes", lead, new { name = "Workarounds", definition = "Ways round the system.", dimension = "people" }))
            .ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var document = (await Post($"{url}/documents", lead, new
        {
            id = Guid.NewGuid(),
            capturedOn = "2018-05-20",
            title = "Board paper",
            issuer = "Trust board",
            documentType = "boardPaper",
            siteIds = new[] { site },
            text = "The board is asked to note the benefits realised since go-live.",
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        (await Post($"{url}/evidence/{document}/codings", lead, new { codeId = code, textVersion = 1, start = 4, end = 9 })).ShouldBe(HttpStatusCode.Created);
        var before = (await Get($"{url}/sites/{site}", lead)).ShouldBe(HttpStatusCode.OK).Json["counts"]!.ToJsonString();
        Assert.Contains("\"codings\":1", before, StringComparison.Ordinal);

        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.DeleteWhere<EvidenceCountTimeline>(c => c.EvaluationId == evaluation);
            await session.SaveChangesAsync();
        }

        Assert.Contains("\"documents\":0", (await Get($"{url}/sites/{site}", lead)).Json["counts"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.True(await EvidenceCountBackfill.RunAsync(store) >= 1);

        Assert.Equal(before, (await Get($"{url}/sites/{site}", lead)).Json["counts"]!.ToJsonString());
        Assert.Equal(0, await EvidenceCountBackfill.RunAsync(store));
    }
}
