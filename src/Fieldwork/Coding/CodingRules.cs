using Fieldwork.Access;
using Fieldwork.Evidence;
using Fieldwork.Rules;

namespace Fieldwork.Coding;

/// <summary>The rules of coding as pure functions over an evidence item and the codebook as they stand now.</summary>
public static class CodingRules
{
    /// <param name="erasedFor">The pseudonyms of the item's participants who withdrew with erasure: its text is gone and takes no new codings.</param>
    public static Decision Apply(EvidenceTimeline item, IReadOnlyDictionary<Guid, CodeState> codes, Guid codingId, string coderId,
        NewCoding c, IReadOnlyCollection<string>? erasedFor = null)
    {
        var errors = new List<Rejection>();
        var codeId = c.CodeId;
        if (!codes.TryGetValue(codeId, out var code))
        {
            errors.Add(Rejection.Invalid("codeId", "There is no such code in this codebook."));
        }
        else if (code.Status != CodeStatus.Active)
        {
            var into = code.MergedInto is { } target && codes.TryGetValue(target, out var t) ? $" into '{t.Name}'; code with that instead" : "";
            errors.Add(Rejection.Invalid("codeId", $"Code '{code.Name}' is {code.Status.ToString().ToLowerInvariant()}{into}; it takes no new codings."));
        }

        var version = item.Texts.FirstOrDefault(t => t.Version == c.TextVersion);
        if (version is null)
        {
            errors.Add(Rejection.Invalid("textVersion", item.Texts.Count == 0
                ? "This evidence item has no text to code yet."
                : $"There is no text version {c.TextVersion}; the versions are 1 to {item.Texts[^1].Version}."));
        }
        else if (c.End > version.Length)
        {
            errors.Add(Rejection.Invalid("end", $"'end' ({c.End}) is past the end of text version {version.Version} ({version.Length} characters)."));
        }

        if (errors.Count > 0)
        {
            return Rejection.Combine(errors);
        }

        if (erasedFor is { Count: > 0 })
        {
            return Rejection.Conflict($"This text was erased when {string.Join(", ", erasedFor)} withdrew from the study; it takes no new codings.");
        }

        if (item.Codings.Any(x => x.RemovedSequence is null && x.CoderId == coderId && x.CodeId == codeId && x.TextVersion == c.TextVersion
                                  && x.Start == c.Start && x.End == c.End))
        {
            return Rejection.Conflict("You have already coded this span with this code.");
        }

        return Decision.Accept(new CodingApplied(item.EvaluationId, item.Id, codingId, codeId, c.TextVersion, c.Start, c.End, coderId, c.Note));
    }

    /// <summary>Coders take back their own codings; leads anyone's.</summary>
    public static Decision Remove(EvidenceTimeline item, Guid codingId, string callerId, Role role)
    {
        var coding = item.Codings.FirstOrDefault(x => x.Id == codingId && x.RemovedSequence is null);
        if (coding is null)
        {
            return Rejection.NotFound("No such coding on this evidence item.");
        }

        if (coding.CoderId != callerId && role != Role.Lead)
        {
            return Rejection.Forbidden("Only the coder who applied a coding, or a lead, may remove it.");
        }

        return Decision.Accept(new CodingRemoved(item.EvaluationId, item.Id, codingId));
    }
}
