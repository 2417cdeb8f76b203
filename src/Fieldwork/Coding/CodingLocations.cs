using System.Data.Common;
using Marten;
using Weasel.Storage;
using Marten.Linq.QueryHandlers;
using Marten.Services.BatchQuerying;
using Weasel.Postgresql;

namespace Fieldwork.Coding;

/// <summary>Where a coding lives: the evaluation and the evidence item whose stream recorded its <see cref="CodingApplied"/>.</summary>
public sealed record CodingLocation(Guid Id, Guid EvaluationId, Guid EvidenceId);

/// <summary>
/// Finds codings by id alone (findings name them so; codings are events of their evidence item's
/// stream) from their <see cref="CodingApplied"/> events, through the index
/// <see cref="EventIndexes.Codings"/>: no read model to keep inline or to rebuild. A coding applied
/// more than once answers its last application. Runs alone (<c>QueryByPlanAsync</c>) or as one
/// query of a batch (<c>QueryByPlan</c>).
/// </summary>
public sealed class CodingLocations(IReadOnlyCollection<Guid> codingIds)
    : IQueryPlan<IReadOnlyDictionary<Guid, CodingLocation>>, IBatchQueryPlan<IReadOnlyDictionary<Guid, CodingLocation>>
{
    /// <summary>The stored name of <see cref="CodingApplied"/> events (<c>coding_applied</c>).</summary>
    public static readonly string EventType = JasperFx.Events.EventTypeExtensions.GetEventTypeName(typeof(CodingApplied));

    private static readonly IReadOnlyDictionary<Guid, CodingLocation> None = new Dictionary<Guid, CodingLocation>();

    public async Task<IReadOnlyDictionary<Guid, CodingLocation>> Fetch(IQuerySession session, CancellationToken token)
    {
        if (codingIds.Count == 0)
        {
            return None;
        }

        var batch = session.CreateBatchQuery();
        var found = Fetch(batch);
        await batch.Execute(token);
        return await found;
    }

    public Task<IReadOnlyDictionary<Guid, CodingLocation>> Fetch(IBatchedQuery query) =>
        codingIds.Count == 0 ? Task.FromResult(None) : query.AddItem(new Handler([.. codingIds.Distinct().Select(id => id.ToString())]));

    private sealed class Handler(string[] ids) : IQueryHandler<IReadOnlyDictionary<Guid, CodingLocation>>
    {
        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            // The index's expression, so PostgreSQL reads it; CodingRemoved events carry the id too, and are left out.
            builder.Append($"select {EventIndexes.CodingId}, {EventIndexes.Evaluation}, stream_id from {FieldworkStore.Schema}.mt_events " +
                           $"where type = '{EventType}' and {EventIndexes.CodingId} = any(");
            builder.AppendParameter(ids);
            builder.Append(") order by seq_id");
        }

        public async Task<IReadOnlyDictionary<Guid, CodingLocation>> HandleAsync(DbDataReader reader, IStorageSession session, CancellationToken token)
        {
            var found = new Dictionary<Guid, CodingLocation>();
            while (await reader.ReadAsync(token))
            {
                var id = Guid.Parse(reader.GetString(0));
                found[id] = new CodingLocation(id, Guid.Parse(reader.GetString(1)), await reader.GetFieldValueAsync<Guid>(2, token));
            }

            return found;
        }

        public Task<int> StreamJson(Stream stream, DbDataReader reader, CancellationToken token) => throw new NotSupportedException();
    }
}
