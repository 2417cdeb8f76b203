using Fieldwork.Participants;
using Fieldwork.Secrets;

namespace Fieldwork.Api.Participants;

public static class ParticipantReads
{
    private const string Route = "/api/evaluations/{evaluationId}/participants";

    /// <summary>The evaluation's participants, by pseudonym, with the consent in force at asOf as known at knownAt.</summary>
    [WolverineGet(Route, OperationId = "listParticipants")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<Page<ParticipantView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var participants = (await session.AllAtAsync<ParticipantTimeline, ParticipantState>(evaluationId, cut, cancellation))
                .OrderBy(x => x.State.Pseudonym, StringComparer.Ordinal).ThenBy(x => x.State.Id)
                .Select(x => ParticipantView.From(x.State, x.Timeline)).ToList();
            return TypedResults.Ok(Paging.Of(participants, offset, limit));
        });

    /// <summary>One participant; leads also see the personal details (null once erased).</summary>
    [WolverineGet(Route + "/{participantId}", OperationId = "getParticipant")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<ParticipantView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid participantId, string? asOf, string? knownAt, HttpContext http,
        IQuerySession session, IDocumentStore store, TimeTravel time, KeyRing keys, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            if (await session.LoadInAsync<ParticipantTimeline>(evaluationId, participantId, cancellation) is not { } timeline
                || timeline.AsOf(cut) is not { } state)
            {
                return ProblemResults.NotFound("No such participant in this evaluation at that time.");
            }

            var access = http.Access();
            PersonalDetails? personal = null;
            if (AccessPolicy.Allows(access.Role, Permission.ReadPersonalDetails) && timeline.Personal is not null)
            {
                personal = await PersonalDetailsVault.OpenAsync(session, keys, participantId, timeline.Personal, cancellation);
                if (personal is not null)
                {
                    // Who read whose personal details, and when, is itself on the record.
                    await using var record = store.LightweightSession();
                    record.LastModifiedBy = access.UserId;
                    record.CausationId = $"{http.Request.Method} {http.Request.Path}";
                    record.Events.StartStream<DisclosureRecord>(Guid.NewGuid(), new PersonalDetailsRead(evaluationId, participantId, access.UserId));
                    await record.SaveChangesAsync(cancellation);
                }
            }

            return TypedResults.Ok(ParticipantView.From(state, timeline, personal));
        });

    /// <summary>Every read of this participant's personal details: who read them and when, oldest first.</summary>
    [WolverineGet(Route + "/{participantId}/disclosures", OperationId = "listDisclosures")]
    [Requires(Permission.ReadAudit)]
    [ProducesResponseType<Page<DisclosureView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> Disclosures(Guid evaluationId, Guid participantId, int? offset, int? limit, IQuerySession session,
        Npgsql.NpgsqlDataSource database, CancellationToken cancellation)
    {
        if (Paging.Check(offset, limit) is { } badPage)
        {
            return badPage;
        }

        if (await session.LoadInAsync<ParticipantTimeline>(evaluationId, participantId, cancellation) is null)
        {
            return ProblemResults.NotFound("No such participant in this evaluation.");
        }

        await using var command = database.CreateCommand(
            $"select seq_id, user_name, timestamp from {Fieldwork.FieldworkStore.Schema}.mt_events " +
            "where type = 'personal_details_read' and data->>'participantId' = $1 and data->>'evaluationId' = $2 order by seq_id");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = participantId.ToString() });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = evaluationId.ToString() });
        var reads = new List<DisclosureView>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                reads.Add(new DisclosureView(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        return TypedResults.Ok(Paging.Of(reads, offset, limit));
    }
}
