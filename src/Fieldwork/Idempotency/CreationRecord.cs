namespace Fieldwork.Idempotency;

/// <summary>
/// Remembers that a client-chosen id was used to create something, so that a retried request
/// answers the same and a different request with the same id is refused. It keeps a hash of
/// the request, never the request itself (bodies may hold transcripts or personal data).
/// Inserted in the same transaction as the creation: the primary key is the judge when two
/// copies of a request race.
/// </summary>
public sealed class CreationRecord
{
    public Guid Id { get; set; }

    public string RequestHash { get; set; } = "";

    public string Location { get; set; } = "";

    public string UserId { get; set; } = "";

    public DateTimeOffset RecordedAt { get; set; }
}
