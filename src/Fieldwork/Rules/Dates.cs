using Fieldwork.Evaluations;

namespace Fieldwork.Rules;

public static class Dates
{
    /// <summary>A 400 for a field date outside the evaluation's range, or null when it fits.</summary>
    public static Rejection? Outside(Evaluation evaluation, DateOnly date, string field) =>
        evaluation.Covers(date) ? null : Rejection.Invalid(field, $"'{field}' ({date:yyyy-MM-dd}) is outside the evaluation ({Range(evaluation)}).");

    /// <summary>The evaluation's dates as refusals name them: "2016-09-01 to 2021-09-30", or "to open" without an end.</summary>
    public static string Range(Evaluation evaluation) =>
        $"{evaluation.StartsOn:yyyy-MM-dd} to {(evaluation.EndsOn is { } end ? end.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "open")}";
}
