using Fieldwork.Evidence;
using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Visits;

// Request bodies (all nullable) and, from Valid() once their validator has passed them, the commands
// the rules take (see EvaluationCommands.cs). A visit's items reach the rules as their own kind's
// commands (VisitItem.AsInterview().Valid() and so on), each decided within the visit.

/// <summary>A visit and the items collected on it, logged at once.</summary>
public sealed record LogVisit(
    Guid? Id,
    List<Guid>? SiteIds,
    DateOnly? StartsOn,
    DateOnly? EndsOn,
    Guid? WaveId,
    List<string>? FieldworkerIds,
    string? Purpose,
    [property: LongText] string? Notes,
    DateTimeOffset? LoggedAt,
    List<VisitItem>? Items)
{
    public NewVisit Valid() => new(SiteIds!, StartsOn!.Value, EndsOn ?? StartsOn.Value, WaveId, FieldworkerIds!, Purpose?.Trim(), Notes);

    public static implicit operator NewVisit(LogVisit request) => request.Valid();
}

/// <summary>
/// A visit to log (its items apart), as its validator passed it: its days (one, when no end is
/// given), and its sites and fieldworkers as given, repeats and all (a refusal names one by its index).
/// </summary>
public sealed record NewVisit(IReadOnlyList<Guid> SiteIds, DateOnly StartsOn, DateOnly EndsOn, Guid? WaveId, IReadOnlyList<string> FieldworkerIds,
    string? Purpose, string? Notes);

/// <summary>
/// One item of a visit: its <see cref="Kind"/> and the fields of that kind's own route (an
/// interview's, an observation's or a document's). Sites and wave default to the visit's.
/// </summary>
public sealed record VisitItem(
    EvidenceKind? Kind,
    Guid? Id,
    DateOnly? OccurredOn,
    DateOnly? CapturedOn,
    DateOnly? IssuedOn,
    Guid? WaveId,
    List<Guid>? SiteIds,
    Guid? PairingId,
    List<Guid>? ParticipantIds,
    InterviewFormat? Format,
    InterviewMode? Mode,
    ObservationSetting? Setting,
    int? DurationMinutes,
    string? Title,
    string? Issuer,
    string? DocumentType,
    string? SourceRef,
    [property: LongText] string? Transcript,
    [property: LongText] string? FieldNotes,
    [property: LongText] string? Text,
    DateTimeOffset? LoggedAt = null)
{
    /// <summary>The item with what it leaves out taken from its visit (sites, wave).</summary>
    public VisitItem Within(IReadOnlyList<Guid> visitSites, Guid? visitWave) => this with
    {
        SiteIds = SiteIds ?? [.. visitSites],
        WaveId = WaveId ?? visitWave,
    };

    public LogInterview AsInterview() =>
        new(Id, OccurredOn, WaveId, SiteIds, PairingId, ParticipantIds, Format, Mode, DurationMinutes, Transcript);

    public LogObservation AsObservation() =>
        new(Id, OccurredOn, WaveId, SiteIds, PairingId, Setting, DurationMinutes, FieldNotes);

    public CaptureDocument AsDocument() =>
        new(Id, CapturedOn, IssuedOn, WaveId, Title, Issuer, DocumentType, SiteIds, SourceRef, Text);

    /// <summary>The fields this item gives that its kind does not have (each a 400).</summary>
    public IEnumerable<string> Misplaced()
    {
        var interview = Kind == EvidenceKind.Interview;
        var observation = Kind == EvidenceKind.Observation;
        var document = Kind == EvidenceKind.Document;
        (bool Given, bool Belongs, string Field)[] fields =
        [
            (OccurredOn is not null, !document, "occurredOn"),
            (CapturedOn is not null, document, "capturedOn"),
            (IssuedOn is not null, document, "issuedOn"),
            (PairingId is not null, !document, "pairingId"),
            (ParticipantIds is not null, interview, "participantIds"),
            (Format is not null, interview, "format"),
            (Mode is not null, interview, "mode"),
            (Setting is not null, observation, "setting"),
            (DurationMinutes is not null, !document, "durationMinutes"),
            (Title is not null, document, "title"),
            (Issuer is not null, document, "issuer"),
            (DocumentType is not null, document, "documentType"),
            (SourceRef is not null, document, "sourceRef"),
            (Transcript is not null, interview, "transcript"),
            (FieldNotes is not null, observation, "fieldNotes"),
            (Text is not null, document, "text"),
        ];
        return fields.Where(f => f.Given && !f.Belongs).Select(f => f.Field);
    }
}

public sealed class LogVisitValidator : AbstractValidator<LogVisit>
{
    public const int MaxItems = 200;

    /// <summary>Notes on the visit itself (what was collected goes in its items).</summary>
    public const int MaxNotes = 20_000;

    public LogVisitValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        this.Ids(x => x.SiteIds, required: true);
        RuleFor(x => x.StartsOn).NotNull();
        RuleFor(x => x.EndsOn).GreaterThanOrEqualTo(x => x.StartsOn).When(x => x.EndsOn is not null && x.StartsOn is not null)
            .WithMessage("'endsOn' must not be before 'startsOn'.");
        RuleFor(x => x.FieldworkerIds).NotEmpty().Must(f => f is null || f.Count <= 20).WithMessage("At most 20 fieldworkers.");
        RuleForEach(x => x.FieldworkerIds).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Purpose).MaximumLength(500);
        RuleFor(x => x.Notes).MaximumLength(MaxNotes);
        RuleFor(x => x.Items).NotNull().Must(i => i is null || i.Count <= MaxItems).WithMessage($"At most {MaxItems} items.");
        RuleFor(x => x.Items).Custom((items, context) =>
        {
            for (var i = 0; i < (items?.Count ?? 0); i++)
            {
                VisitItemValidator.Check(items![i], $"items[{i}].", context);
            }
        });
    }
}

/// <summary>An item added to a visit on its own: the same checks as for an item of a new visit.</summary>
public sealed class VisitItemValidator : AbstractValidator<VisitItem>
{
    public VisitItemValidator() => RuleFor(x => x).Custom((item, context) => Check(item, "", context));

    /// <summary>
    /// The checks of the item's own kind's route, with every failure's path under
    /// <paramref name="prefix"/>. Sites may be left out (the visit's are taken).
    /// </summary>
    public static void Check<T>(VisitItem? item, string prefix, ValidationContext<T> context)
    {
        if (item is null)
        {
            context.AddFailure(prefix.TrimEnd('.'), "An item is required.");
            return;
        }

        if (item.Kind is null)
        {
            context.AddFailure(prefix + "kind", "'kind' must be interview, observation or document.");
            return;
        }

        foreach (var field in item.Misplaced())
        {
            context.AddFailure(prefix + field, $"'{field}' is not a field of {Describe(item.Kind.Value)}.");
        }

        // Sites default to the visit's: a placeholder keeps the route's "required" rule quiet when they are left out.
        var placed = item.SiteIds is null ? item with { SiteIds = [Guid.NewGuid()] } : item;
        var failures = item.Kind switch
        {
            EvidenceKind.Interview => new LogInterviewValidator().Validate(placed.AsInterview()).Errors,
            EvidenceKind.Observation => new LogObservationValidator().Validate(placed.AsObservation()).Errors,
            _ => new CaptureDocumentValidator().Validate(placed.AsDocument()).Errors,
        };
        foreach (var failure in failures)
        {
            context.AddFailure(prefix + failure.PropertyName, failure.ErrorMessage);
        }
    }

    private static string Describe(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Interview => "an interview",
        EvidenceKind.Observation => "an observation",
        _ => "a document",
    };
}
