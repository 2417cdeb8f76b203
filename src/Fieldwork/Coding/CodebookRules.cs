using Fieldwork.Rules;

namespace Fieldwork.Coding;

/// <summary>The codebook's rules as pure functions over the codes as they stand now.</summary>
public static class CodebookRules
{
    public static Decision Define(Guid evaluationId, IReadOnlyDictionary<Guid, CodeState> codes, Guid codeId, NewCode c)
    {
        var name = c.Name;
        if (c.ParentId is { } parent && Usable(codes, parent, "parentId") is { } badParent)
        {
            return badParent;
        }

        if (Sibling(codes, c.ParentId, name, except: null) is { } clash)
        {
            return Rejection.Conflict($"A code named '{clash.Name}' already sits {Where(codes, c.ParentId)}; sibling names are unique.");
        }

        return Decision.Accept(new CodeDefined(evaluationId, codeId, name, c.Definition, c.Dimension, c.ParentId));
    }

    public static Decision Revise(Guid evaluationId, IReadOnlyDictionary<Guid, CodeState> codes, Guid codeId, CodeRevision c)
    {
        if (!codes.TryGetValue(codeId, out var code))
        {
            return Rejection.NotFound("No such code in this codebook.");
        }

        if (c.ExpectedVersion != code.Version)
        {
            return Rejection.Conflict($"The code is at version {code.Version}, not {c.ExpectedVersion}; read it again and retry.");
        }

        if (code.Status != CodeStatus.Active)
        {
            return Rejection.Conflict($"The code is {code.Status.ToString().ToLowerInvariant()}; it can no longer be revised.");
        }

        var parent = c.ParentId ?? code.ParentId;
        if (c.ParentId is { } newParent)
        {
            if (Usable(codes, newParent, "parentId") is { } badParent)
            {
                return badParent;
            }

            if (newParent == codeId || Ancestors(codes, newParent).Contains(codeId))
            {
                return Rejection.Conflict("A code cannot move under itself or one of its own descendants.");
            }
        }

        var name = c.Name ?? code.Name;
        if ((c.Name is not null || c.ParentId is not null) && Sibling(codes, parent, name, except: codeId) is { } clash)
        {
            return Rejection.Conflict($"A code named '{clash.Name}' already sits {Where(codes, parent)}; sibling names are unique.");
        }

        return Decision.Accept(new CodeRevised(evaluationId, codeId, c.Name, c.Definition, c.ParentId));
    }

    public static Decision Merge(Guid evaluationId, IReadOnlyDictionary<Guid, CodeState> codes, Guid codeId, CodeMerge c)
    {
        if (!codes.TryGetValue(codeId, out var code))
        {
            return Rejection.NotFound("No such code in this codebook.");
        }

        var into = c.IntoCodeId;
        if (into == codeId)
        {
            return Rejection.Invalid("intoCodeId", "A code cannot be merged into itself.");
        }

        if (Usable(codes, into, "intoCodeId") is { } badTarget)
        {
            return badTarget;
        }

        if (code.Status != CodeStatus.Active)
        {
            return Rejection.Conflict($"The code is already {code.Status.ToString().ToLowerInvariant()}.");
        }

        if (Ancestors(codes, into).Contains(codeId))
        {
            return Rejection.Conflict("A code cannot be merged into one of its own descendants.");
        }

        // The merged code's children move under the target: none may meet an active sibling of its name there.
        var clashes = codes.Values
            .Where(x => x.ParentId == codeId && x.Status == CodeStatus.Active)
            .Select(child => (Child: child, Clash: Sibling(codes, into, child.Name, except: child.Id)))
            .Where(x => x.Clash is not null)
            .Select(x => $"'{x.Child.Name}'")
            .ToList();
        if (clashes.Count > 0)
        {
            return Rejection.Conflict($"Merging would move {string.Join(", ", clashes)} {Where(codes, into)}, where a code of that name already " +
                                      "sits; sibling names are unique. Rename, move or merge the child first.");
        }

        return Decision.Accept(new CodeMerged(evaluationId, codeId, into));
    }

    public static Decision Retire(Guid evaluationId, IReadOnlyDictionary<Guid, CodeState> codes, Guid codeId, CodeRetirement c)
    {
        if (!codes.TryGetValue(codeId, out var code))
        {
            return Rejection.NotFound("No such code in this codebook.");
        }

        if (code.Status != CodeStatus.Active)
        {
            return Rejection.Conflict($"The code is already {code.Status.ToString().ToLowerInvariant()}.");
        }

        if (codes.Values.Any(x => x.ParentId == codeId && x.Status == CodeStatus.Active))
        {
            return Rejection.Conflict("The code still has active children: retire, merge or move them first.");
        }

        return Decision.Accept(new CodeRetired(evaluationId, codeId, c.Reason));
    }

    private static Rejection? Usable(IReadOnlyDictionary<Guid, CodeState> codes, Guid id, string field) =>
        !codes.TryGetValue(id, out var code) ? Rejection.Invalid(field, "There is no such code in this codebook.")
        : code.Status != CodeStatus.Active ? Rejection.Invalid(field, $"Code '{code.Name}' is {code.Status.ToString().ToLowerInvariant()}.")
        : null;

    private static CodeState? Sibling(IReadOnlyDictionary<Guid, CodeState> codes, Guid? parentId, string name, Guid? except) =>
        codes.Values.FirstOrDefault(x => x.Status == CodeStatus.Active && x.ParentId == parentId && x.Id != except
                                         && string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<Guid> Ancestors(IReadOnlyDictionary<Guid, CodeState> codes, Guid id)
    {
        var seen = new HashSet<Guid>();
        while (codes.TryGetValue(id, out var code) && code.ParentId is { } parent && seen.Add(parent))
        {
            yield return parent;
            id = parent;
        }
    }

    private static string Where(IReadOnlyDictionary<Guid, CodeState> codes, Guid? parentId) =>
        parentId is { } p && codes.TryGetValue(p, out var parent) ? $"under '{parent.Name}'" : "at the top level";
}
