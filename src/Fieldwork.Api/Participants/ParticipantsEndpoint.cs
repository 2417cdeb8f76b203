using Fieldwork.Access;
using Fieldwork.Api.Access;
using Fieldwork.Api.Lists;
using Fieldwork.Api.Recording;
using Fieldwork.Api.Timeline;
using Fieldwork.Participants;
using Fieldwork.Rules;
using Fieldwork.Sites;
using Fieldwork.Timeline;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Fieldwork.Api.Participants;

/// <summary>A participant by pseudonym; <c>personal</c> is present only for leads.</summary>
public sealed record ParticipantView(Guid Id, string Pseudonym, string Role, Guid? SiteId, ConsentScope Consent, int Version,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    PersonalDetails? Personal = null)
{
    public static ParticipantView From(ParticipantState p, PersonalDetails? personal = null) =>
        new(p.Id, p.Pseudonym, p.Role, p.SiteId, p.Consent, p.Version, personal);
}

public static class ParticipantsEndpoint
{
    private const string Route = "/api/evaluations/{evaluationId}/participants";

    /// <summary>
    /// Registers a participant under a pseudonym with their consent. Personal details (name,
    /// email) are sealed under a key of the participant's own and never stored in plaintext.
    /// </summary>
    [WolverinePost(Route, OperationId = "registerParticipant")]
    [Tags("Participants")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Post(Guid evaluationId, RegisterParticipant command, HttpContext http, EventRecorder recorder)
    {
        var id = command.Id ?? Guid.NewGuid();
        var evaluation = http.Access().Evaluation;
        return recorder.CreateAsync(http, id, command, $"/api/evaluations/{evaluationId}/participants/{id}", async session =>
        {
            var site = command.SiteId is { } siteId ? await session.LoadAsync<SiteTimeline>(siteId, http.RequestAborted) : null;
            site = site?.EvaluationId == evaluationId ? site : null;
            if (command.SiteId is not null && site is null)
            {
                return Rejection.Invalid("siteId", "There is no such site in this evaluation.");
            }

            var personal = command.Personal is { Name: { } name } p
                ? PersonalDetailsVault.Seal(session, id, new PersonalDetails(name.Trim(), p.Email?.Trim()))
                : null;
            var decision = ParticipantRules.Register(evaluation, id, command, site, personal);
            if (decision.Accepted)
            {
                session.Events.StartStream<ParticipantTimeline>(id, [.. decision.Events]);
            }

            return decision;
        });
    }

    /// <summary>Records a change of consent from a date on.</summary>
    [WolverinePost(Route + "/{participantId}/consent", OperationId = "changeConsent")]
    [Tags("Participants")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<ParticipantView>(StatusCodes.Status200OK)]
    public static Task<IResult> ChangeConsent(Guid evaluationId, Guid participantId, ChangeConsent command, HttpContext http,
        EventRecorder recorder, TimeTravel time)
    {
        var evaluation = http.Access().Evaluation;
        return recorder.ChangeAsync(http,
            async session =>
            {
                var stream = await session.Events.FetchForWriting<ParticipantTimeline>(participantId, http.RequestAborted);
                return stream.Aggregate is { } participant && participant.EvaluationId == evaluationId
                    ? stream.Record(ParticipantRules.ChangeConsent(evaluation, participant, command))
                    : Rejection.NotFound("No such participant in this evaluation.");
            },
            async query =>
            {
                var timeline = await query.LoadAsync<ParticipantTimeline>(participantId, http.RequestAborted);
                return TypedResults.Ok(ParticipantView.From(timeline!.AsOf(time.Today)!));
            });
    }

    /// <summary>The evaluation's participants, by pseudonym, with the consent in force at asOf as known at knownAt.</summary>
    [WolverineGet(Route, OperationId = "listParticipants")]
    [Tags("Participants")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<Page<ParticipantView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(Guid evaluationId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation)
    {
        var (cut, problem) = await time.ResolveListAsync(session, asOf, knownAt, offset, limit, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var timelines = await session.Query<ParticipantTimeline>().Where(p => p.EvaluationId == evaluationId).ToListAsync(cancellation);
        var participants = timelines.Select(t => t.AsOf(cut)).OfType<ParticipantState>()
            .OrderBy(p => p.Pseudonym, StringComparer.Ordinal).ThenBy(p => p.Id)
            .Select(p => ParticipantView.From(p)).ToList();
        return TypedResults.Ok(Paging.Of(participants, offset, limit));
    }

    /// <summary>One participant; leads also see the personal details (null once erased).</summary>
    [WolverineGet(Route + "/{participantId}", OperationId = "getParticipant")]
    [Tags("Participants")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<ParticipantView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid evaluationId, Guid participantId, string? asOf, string? knownAt, HttpContext http,
        IQuerySession session, TimeTravel time, CancellationToken cancellation)
    {
        var (cut, problem) = await time.ResolveAsync(session, asOf, knownAt, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        if (await session.LoadAsync<ParticipantTimeline>(participantId, cancellation) is not { } timeline
            || timeline.EvaluationId != evaluationId
            || timeline.AsOf(cut) is not { } state)
        {
            return Problems.Problems.NotFound("No such participant in this evaluation at that time.");
        }

        var personal = AccessPolicy.Allows(http.Access().Role, Permission.ReadPersonalDetails)
            ? await PersonalDetailsVault.OpenAsync(session, participantId, timeline.Personal, cancellation)
            : null;
        return TypedResults.Ok(ParticipantView.From(state, personal));
    }
}
