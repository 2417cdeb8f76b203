using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Evidence;

// Request bodies (all nullable) and, from Valid() once their validator has passed them, the commands
// the rules take: required values present, words trimmed, a missing list as an empty one (see
// EvaluationCommands.cs). Id lists keep their order and repeats: a refusal names an id by its index.
// A text (transcript, field notes, a document's text) is measured and normalised at the edge, and
// reaches the rules on its own (NormalisedText).

public sealed record LogInterview(
    Guid? Id,
    DateOnly? OccurredOn,
    Guid? WaveId,
    List<Guid>? SiteIds,
    Guid? PairingId,
    List<Guid>? ParticipantIds,
    InterviewFormat? Format,
    InterviewMode? Mode,
    int? DurationMinutes,
    [property: LongText] string? Transcript)
{
    public NewInterview Valid() => new(OccurredOn!.Value, WaveId, SiteIds!, PairingId, ParticipantIds!, Format!.Value, Mode!.Value, DurationMinutes!.Value);

    public static implicit operator NewInterview(LogInterview request) => request.Valid();
}

/// <summary>An interview to log (its transcript apart), as its validator passed it.</summary>
public sealed record NewInterview(DateOnly OccurredOn, Guid? WaveId, IReadOnlyList<Guid> SiteIds, Guid? PairingId, IReadOnlyList<Guid> ParticipantIds,
    InterviewFormat Format, InterviewMode Mode, int DurationMinutes);

public sealed record LogObservation(
    Guid? Id,
    DateOnly? OccurredOn,
    Guid? WaveId,
    List<Guid>? SiteIds,
    Guid? PairingId,
    ObservationSetting? Setting,
    int? DurationMinutes,
    [property: LongText] string? FieldNotes)
{
    public NewObservation Valid() => new(OccurredOn!.Value, WaveId, SiteIds!, PairingId, Setting!.Value, DurationMinutes!.Value);

    public static implicit operator NewObservation(LogObservation request) => request.Valid();
}

/// <summary>An observation to log (its field notes apart), as its validator passed it.</summary>
public sealed record NewObservation(DateOnly OccurredOn, Guid? WaveId, IReadOnlyList<Guid> SiteIds, Guid? PairingId, ObservationSetting Setting,
    int DurationMinutes);

public sealed record CaptureDocument(
    Guid? Id,
    DateOnly? CapturedOn,
    DateOnly? IssuedOn,
    Guid? WaveId,
    string? Title,
    string? Issuer,
    string? DocumentType,
    List<Guid>? SiteIds,
    string? SourceRef,
    [property: LongText] string? Text)
{
    public NewDocument Valid() => new(CapturedOn!.Value, IssuedOn, WaveId, Title!.Trim(), Issuer!.Trim(), DocumentType!.Trim(), SiteIds!, SourceRef);

    public static implicit operator NewDocument(CaptureDocument request) => request.Valid();
}

/// <summary>A document to capture (its text apart), as its validator passed it.</summary>
public sealed record NewDocument(DateOnly CapturedOn, DateOnly? IssuedOn, Guid? WaveId, string Title, string Issuer, string DocumentType,
    IReadOnlyList<Guid> SiteIds, string? SourceRef);

public sealed record AddTextVersion([property: LongText] string? Text, int? ExpectedVersion);

/// <summary>
/// Any of the logged fields, corrected; the others stay as they were. Every field is optional by
/// meaning (none: it stays), so the rules take the request as it is.
/// </summary>
public sealed record CorrectEvidence(
    DateOnly? OccurredOn,
    DateOnly? CapturedOn,
    Guid? WaveId,
    List<Guid>? SiteIds,
    Guid? PairingId,
    List<Guid>? ParticipantIds,
    InterviewFormat? Format,
    InterviewMode? Mode,
    ObservationSetting? Setting,
    int? DurationMinutes,
    DateOnly? IssuedOn,
    string? Title,
    string? Issuer,
    string? DocumentType,
    string? SourceRef);

internal static class EvidenceRuleBuilders
{
    public const int MaxIds = 100;

    public static void Ids<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, List<Guid>?>> ids, bool required)
    {
        var rule = validator.RuleFor(ids);
        if (required)
        {
            rule.NotEmpty();
        }

        rule.Must(list => list is null || list.Count <= MaxIds).WithMessage($"At most {MaxIds} ids.");
        var read = ids.Compile();
        validator.RuleFor(ids).ForEach(id => id.NotEqual(Guid.Empty)).When(x => read(x) is not null);
    }
}

public sealed class LogInterviewValidator : AbstractValidator<LogInterview>
{
    public LogInterviewValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.OccurredOn).NotNull();
        this.Ids(x => x.SiteIds, required: true);
        this.Ids(x => x.ParticipantIds, required: true);
        RuleFor(x => x.ParticipantIds).Must((x, p) => EvidenceRules.FitsFormat(x.Format, p!.Count))
            .When(x => x.ParticipantIds is { Count: > 0 })
            .WithMessage(EvidenceRules.OneToOne);
        RuleFor(x => x.Format).NotNull();
        RuleFor(x => x.Mode).NotNull();
        RuleFor(x => x.DurationMinutes).NotNull().InclusiveBetween(1, 1440);
    }
}

public sealed class LogObservationValidator : AbstractValidator<LogObservation>
{
    public LogObservationValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.OccurredOn).NotNull();
        this.Ids(x => x.SiteIds, required: true);
        RuleFor(x => x.Setting).NotNull();
        RuleFor(x => x.DurationMinutes).NotNull().InclusiveBetween(1, 1440);
    }
}

public sealed class CaptureDocumentValidator : AbstractValidator<CaptureDocument>
{
    public CaptureDocumentValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.CapturedOn).NotNull();
        RuleFor(x => x.IssuedOn).LessThanOrEqualTo(x => x.CapturedOn).When(x => x.IssuedOn is not null && x.CapturedOn is not null)
            .WithMessage("'issuedOn' must not be after 'capturedOn'.");
        RuleFor(x => x.Title).NotEmpty().MaximumLength(500);
        RuleFor(x => x.Issuer).NotEmpty().MaximumLength(200);
        RuleFor(x => x.DocumentType).NotEmpty().MaximumLength(100);
        RuleFor(x => x.SourceRef).MaximumLength(2000);
        this.Ids(x => x.SiteIds, required: true);
    }
}

public sealed class AddTextVersionValidator : AbstractValidator<AddTextVersion>
{
    public AddTextVersionValidator()
    {
        RuleFor(x => x.Text).NotNull();
        RuleFor(x => x.ExpectedVersion).NotNull().GreaterThanOrEqualTo(0);
    }
}

public sealed class CorrectEvidenceValidator : AbstractValidator<CorrectEvidence>
{
    public CorrectEvidenceValidator()
    {
        this.Ids(x => x.SiteIds, required: false);
        RuleFor(x => x.SiteIds).NotEmpty().When(x => x.SiteIds is not null);
        this.Ids(x => x.ParticipantIds, required: false);
        RuleFor(x => x.DurationMinutes).InclusiveBetween(1, 1440);
        RuleFor(x => x.Title).NotEmpty().MaximumLength(500).When(x => x.Title is not null);
        RuleFor(x => x.Issuer).NotEmpty().MaximumLength(200).When(x => x.Issuer is not null);
        RuleFor(x => x.DocumentType).NotEmpty().MaximumLength(100).When(x => x.DocumentType is not null);
        RuleFor(x => x.SourceRef).MaximumLength(2000);
        RuleFor(x => x).Must(x => x != new CorrectEvidence(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null))
            .OverridePropertyName("body").WithMessage("Give at least one field to correct.");
    }
}

/// <summary>Voids an item logged in error, saying why.</summary>
public sealed record VoidEvidence(string? Reason)
{
    public EvidenceVoid Valid() => new(Reason!.Trim());

    public static implicit operator EvidenceVoid(VoidEvidence request) => request.Valid();
}

/// <summary>Why an item is voided, as its validator passed it.</summary>
public sealed record EvidenceVoid(string Reason);

public sealed class VoidEvidenceValidator : AbstractValidator<VoidEvidence>
{
    public VoidEvidenceValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(500);
}
