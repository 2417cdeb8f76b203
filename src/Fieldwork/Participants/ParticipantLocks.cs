using Marten;

namespace Fieldwork.Participants;

/// <summary>
/// Serialises a withdrawal with the writes that make or extend transcript keys naming the same
/// participant, with PostgreSQL's transaction-scoped advisory locks: such a write holds a shared
/// lock on each participant it names from before it reads their state until it commits; a
/// withdrawal holds an exclusive one while it destroys keys. So either the withdrawal's sweep sees
/// the write's key and destroys it, or the write waits and then reads the withdrawal; no key slips
/// between them. Both take their locks in the session's own transaction, before deciding.
/// </summary>
public static class ParticipantLocks
{
    public static Task ShareAsync(IDocumentSession session, IEnumerable<Guid> participantIds, CancellationToken cancellation) =>
        TakeAsync(session, participantIds, "pg_advisory_xact_lock_shared", cancellation);

    public static Task ExclusiveAsync(IDocumentSession session, Guid participantId, CancellationToken cancellation) =>
        TakeAsync(session, [participantId], "pg_advisory_xact_lock", cancellation);

    private static async Task TakeAsync(IDocumentSession session, IEnumerable<Guid> participantIds, string function, CancellationToken cancellation)
    {
        // In one order everywhere, so that two writers never wait on each other's locks.
        var ids = participantIds.Distinct().Order().ToArray();
        if (ids.Length == 0)
        {
            return;
        }

        await session.BeginTransactionAsync(cancellation);
        await session.AdvancedSql.QueryAsync<long>(
            $"select count(*) from (select {function}(hashtextextended('fieldwork participant ' || p::text, 0)) " +
            "from unnest(?::uuid[]) with ordinality as u(p, n) order by n) locked",
            cancellation, new object[] { ids });
    }
}
