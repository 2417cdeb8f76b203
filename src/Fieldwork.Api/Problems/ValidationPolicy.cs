using System.Globalization;
using System.Text.Json;
using FluentValidation;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Microsoft.Extensions.Options;
using Wolverine.Http.CodeGen;

namespace Fieldwork.Api.Problems;

/// <summary>
/// The one validation path. Before every endpoint: the query string is checked (every value
/// against its parameter's type, strings against the character policy, unknown parameters
/// refused); then, for an endpoint with a body, every string of the body against the character
/// policy (<see cref="RequestText"/>) and the body type's FluentValidation validator, if it has
/// one, together in one 400 with every failing field. (The Wolverine FluentValidation packages
/// are not available here; this is the same idea.)
/// </summary>
public sealed class ValidationPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            var contract = RequestContract.Of(chain);
            chain.Metadata.WithMetadata(contract);

            var frames = new List<Frame>();
            var query = new MethodCall(typeof(Validation), typeof(Validation).GetMethod(nameof(Validation.CheckQuery))!);
            frames.AddRange([query, new MaybeEndWithResultFrame(query.ReturnVariable!)]);

            if (contract.Body is { } body)
            {
                var validated = container.HasRegistrationFor(typeof(IValidator<>).MakeGenericType(body));
                var method = typeof(Validation).GetMethod(validated ? nameof(Validation.ValidateAsync) : nameof(Validation.CheckBody))!
                    .MakeGenericMethod(body);
                var call = new MethodCall(typeof(Validation), method);
                frames.AddRange([call, new MaybeEndWithResultFrame(call.ReturnVariable!)]);
            }

            chain.Middleware.InsertRange(0, frames);
        }
    }
}

public static class Validation
{
    /// <summary>The longest query parameter name echoed back as a key of <c>errors</c>.</summary>
    private const int MaxEchoedName = 100;

    /// <summary>
    /// Every query value against what its parameter takes, all of them in one 400: Wolverine's own
    /// parsing stops at the first bad value, accepts an enum's numbers and comma-joined names
    /// (kind=7, kind=interview,document) and knows nothing of the character policy.
    /// </summary>
    public static IResult CheckQuery(HttpContext context)
    {
        var query = context.Request.Query;
        if (query.Count == 0 || context.GetEndpoint()?.Metadata.GetMetadata<RequestContract>() is not { } contract)
        {
            return WolverineContinue.Result();
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var (name, values) in query)
        {
            if (!contract.Query.TryGetValue(name, out var type))
            {
                var key = name.Length <= MaxEchoedName && TextPolicy.Find(name, TextKind.SingleLine) is null ? name : "query";
                errors[key] = [contract.Query.Count == 0
                    ? $"'{key}' is not a parameter of this route, which takes none."
                    : $"'{key}' is not a parameter of this route; it takes {string.Join(", ", contract.Query.Keys.Order(StringComparer.Ordinal))}."];
            }
            else if (values.Count > 1)
            {
                errors[name] = [$"'{name}' is given {values.Count} times: give it once."];
            }
            else if (values[0] is { Length: > 0 } value && Problem(name, value, type) is { } problem)
            {
                errors[name] = [problem];
            }
        }

        return errors.Count == 0 ? WolverineContinue.Result() : ProblemResults.Invalid(errors);
    }

    /// <summary>A body without a validator of its own: a JSON null is refused, and its text is checked.</summary>
    public static IResult CheckBody<T>(T body, HttpContext context) =>
        body is null ? NoBody() : Answer(TextErrors(body, context));

    public static async Task<IResult> ValidateAsync<T>(IValidator<T> validator, T body, HttpContext context)
    {
        if (body is null)
        {
            return NoBody();
        }

        var errors = TextErrors(body, context);
        var result = await validator.ValidateAsync(body, context.RequestAborted);
        foreach (var failure in result.Errors)
        {
            var key = ProblemResults.CamelPath(failure.PropertyName);
            if (!errors.TryGetValue(key, out var messages))
            {
                errors[key] = messages = [];
            }

            if (!messages.Contains(failure.ErrorMessage))
            {
                messages.Add(failure.ErrorMessage);
            }
        }

        return Answer(errors);
    }

    private static IResult NoBody() => ProblemResults.Invalid(new Dictionary<string, string[]> { ["body"] = ["A JSON object is required."] });

    private static Dictionary<string, List<string>> TextErrors(object body, HttpContext context)
    {
        var errors = new Dictionary<string, List<string>>();
        RequestText.Check(body, SerializerOptions(context), context.RequestServices, errors);
        return errors;
    }

    private static IResult Answer(Dictionary<string, List<string>> errors) => errors.Count == 0
        ? WolverineContinue.Result()
        : ProblemResults.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    /// <summary>The serializer options Wolverine reads bodies with, which know the body types' JSON contracts.</summary>
    public static JsonSerializerOptions SerializerOptions(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    /// <summary>Why a query value is not one its parameter takes, or null.</summary>
    private static string? Problem(string name, string value, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            return TextPolicy.Find(value, TextKind.SingleLine) is { } fault ? TextPolicy.Describe(name, fault, TextKind.SingleLine) : null;
        }

        var valid = t switch
        {
            _ when t == typeof(int) => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            _ when t == typeof(long) => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            _ when t == typeof(Guid) => Guid.TryParse(value, out _),
            _ when t == typeof(bool) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)
                                       || string.Equals(value, "false", StringComparison.OrdinalIgnoreCase),
            { IsEnum: true } => Enum.GetNames(t).Any(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)),
            // Anything else is left to Wolverine, whose refusal ProblemShaping puts in the same words.
            _ => true,
        };
        return valid ? null : $"'{name}' must be {RequestShape.Describe(type)}.";
    }
}
