using System.Text;

namespace Fieldwork.Demo;

/// <summary>Readable synthetic text for the demo: sentences about implementing electronic records, none of them real.</summary>
public static class SyntheticText
{
    public static readonly string[] Subjects =
    [
        "the order comms build", "medicines management", "the clinical safety case", "benefits tracking", "data migration", "the training model",
        "clinical engagement", "digital nursing documentation", "the optimisation backlog", "interoperability with primary care",
        "business continuity planning", "the go-live command centre", "smartcard access", "the pharmacy module", "theatre scheduling",
        "the patient portal", "the exemplar's templates", "the regional shared care record",
    ];

    public static readonly string[] DocumentTypes = ["Board paper", "Programme highlight report", "Benefits register", "Clinical safety report",
        "Training plan", "Go-live readiness assessment", "Lessons learned log", "Blueprint"];

    public static readonly string[] Issuers = ["Trust board", "Digital programme office", "Clinical safety team", "Informatics team"];

    private static readonly string[] Openers =
    [
        "To be honest,", "Looking back,", "In our trust", "From the ward's point of view,", "When we went live,", "Early on",
        "The thing is,", "What surprised us was that", "If I'm candid,", "At the exemplar site", "Our clinical lead felt", "Frankly,",
    ];

    private static readonly string[] Verbs =
    [
        "took far longer than planned", "was helped a great deal by the buddy site", "depended on a handful of super-users",
        "needed a second round of workshops", "went better than anyone expected", "exposed gaps in the data dictionary",
        "was where the exemplar's templates saved us months", "stalled until the board got involved", "kept slipping behind",
        "was rebuilt from scratch after testing", "became a shared learning event", "changed how the wards hand over",
    ];

    private static readonly string[] Tails =
    [
        "and we would do it differently next time.", "mostly because of staffing on nights.", "which nobody had budgeted for.",
        "though the vendor was responsive.", "and the follower site copied our approach.", "so we wrote it up for the network.",
        "but the clinicians came round in the end.", "which is still being argued about.", "after a difficult winter.",
        "and that was the turning point.", "once the dashboards were trusted.", "- in hindsight, the right call.",
    ];

    private static readonly string[] Observed =
    [
        "The meeting opened with the go-live dashboard.", "Two consultants questioned the alert thresholds.",
        "The chair asked the follower trust to present its lessons.", "Attendance dropped after the first hour.",
        "A nurse demonstrated a workaround for the discharge letter.", "The vendor's representative took several actions away.",
        "Discussion returned twice to staffing on nights.", "The room agreed to pilot the exemplar's template on two wards.",
    ];

    /// <summary>An interview transcript of about <paramref name="characters"/> characters, with speaker turns.</summary>
    public static string Transcript(Random random, int characters)
    {
        var text = new StringBuilder("[Synthetic transcript]\n");
        var turn = 0;
        while (text.Length < characters)
        {
            text.Append(turn++ % 2 == 0 ? "Interviewer: " : "Respondent: ");
            text.Append(turn % 2 == 1
                ? $"How did {Pick(random, Subjects)} go for you?"
                : $"{Pick(random, Openers)} {Pick(random, Subjects)} {Pick(random, Verbs)}, {Pick(random, Tails)} {Pick(random, Openers)} {Pick(random, Subjects)} {Pick(random, Verbs)}.");
            text.Append('\n');
        }

        return text.ToString();
    }

    public static string FieldNotes(Random random, int characters)
    {
        var text = new StringBuilder("[Synthetic field notes]\n");
        while (text.Length < characters)
        {
            text.Append(Pick(random, Observed)).Append(' ');
            if (random.Next(3) == 0)
            {
                text.Append($"Someone remarked that {Pick(random, Subjects)} {Pick(random, Verbs)}.\n");
            }
        }

        return text.ToString();
    }

    public static string Document(Random random, int characters)
    {
        var text = new StringBuilder("[Synthetic document]\n");
        var section = 1;
        while (text.Length < characters)
        {
            text.Append($"{section++}. Progress on {Pick(random, Subjects)}: the work {Pick(random, Verbs)}, {Pick(random, Tails)}\n");
        }

        return text.ToString();
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
