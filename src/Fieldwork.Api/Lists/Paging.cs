namespace Fieldwork.Api.Lists;

/// <summary>Every list of the API: a page of items and the total across pages.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit);

/// <summary>offset and limit of every list: offset from 0, limit 1 to 500, 50 by default.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static IResult? Check(int? offset, int? limit)
    {
        var errors = new Dictionary<string, string[]>();
        AddErrors(offset, limit, errors);
        return errors.Count == 0 ? null : ProblemResults.Invalid(errors);
    }

    public static void AddErrors(int? offset, int? limit, Dictionary<string, string[]> errors)
    {
        if (offset < 0)
        {
            errors["offset"] = ["'offset' must be 0 or more."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"'limit' must be between 1 and {MaxLimit}."];
        }
    }

    public static (int Offset, int Limit) Resolve(int? offset, int? limit) => (offset ?? 0, limit ?? DefaultLimit);

    /// <summary>A page of an in-memory list.</summary>
    public static Page<T> Of<T>(IReadOnlyList<T> all, int? offset, int? limit)
    {
        var (skip, take) = Resolve(offset, limit);
        return new Page<T>([.. all.Skip(skip).Take(take)], all.Count, skip, take);
    }
}
