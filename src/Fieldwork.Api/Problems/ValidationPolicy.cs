using FluentValidation;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace Fieldwork.Api.Problems;

/// <summary>
/// The one validation path: every endpoint whose body type has a FluentValidation validator
/// runs it before the endpoint, and a failure answers 400 with every failing field; an endpoint
/// whose body has no validator still refuses a JSON null body. (The Wolverine FluentValidation
/// packages are not available here; this is the same idea.)
/// </summary>
public sealed class ValidationPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            if (!chain.HasRequestType || chain.RequestType is not { } body || body == typeof(void))
            {
                continue;
            }

            var validated = container.HasRegistrationFor(typeof(IValidator<>).MakeGenericType(body));
            var method = typeof(Validation).GetMethod(validated ? nameof(Validation.ValidateAsync) : nameof(Validation.RequireBody))!
                .MakeGenericMethod(body);
            var call = new MethodCall(typeof(Validation), method);
            chain.Middleware.InsertRange(0, [call, new MaybeEndWithResultFrame(call.ReturnVariable!)]);
        }
    }
}

public static class Validation
{
    /// <summary>A body without a validator of its own: only a JSON null is refused.</summary>
    public static IResult RequireBody<T>(T body) => body is null
        ? Problems.Invalid(new Dictionary<string, string[]> { ["body"] = ["A JSON object is required."] })
        : WolverineContinue.Result();

    public static async Task<IResult> ValidateAsync<T>(IValidator<T> validator, T body, HttpContext context)
    {
        if (body is null)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["body"] = ["A JSON object is required."] });
        }

        var result = await validator.ValidateAsync(body, context.RequestAborted);
        if (result.IsValid)
        {
            return WolverineContinue.Result();
        }

        var errors = result.Errors
            .GroupBy(f => Problems.CamelPath(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray());
        return Problems.Invalid(errors);
    }
}
