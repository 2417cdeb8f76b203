using Fieldwork.Access;
using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Evaluations;

// A request body is all nullable, so that a missing field reads as missing, not as a default; its
// validator names every field at fault. Once the validator has passed it, Valid() gives the command
// the rules take: required values present, text as understood. (The implicit conversion lets a
// caller that holds a request, the rules tests above all, hand it to the rules as it is.)

public sealed record CreateEvaluation(Guid? Id, string? Name, DateOnly? StartsOn, DateOnly? EndsOn,
    [property: LongText] string? Description)
{
    public NewEvaluation Valid() => new(Name!.Trim(), StartsOn!.Value, EndsOn, Description);

    public static implicit operator NewEvaluation(CreateEvaluation request) => request.Valid();
}

/// <summary>An evaluation to set up, as its validator passed it.</summary>
public sealed record NewEvaluation(string Name, DateOnly StartsOn, DateOnly? EndsOn, string? Description);

public sealed record DefineWave(Guid? Id, string? Name, DateOnly? StartsOn, DateOnly? EndsOn)
{
    public NewWave Valid() => new(Name!.Trim(), StartsOn!.Value, EndsOn!.Value);

    public static implicit operator NewWave(DefineWave request) => request.Valid();
}

/// <summary>A wave to define, as its validator passed it.</summary>
public sealed record NewWave(string Name, DateOnly StartsOn, DateOnly EndsOn);

public sealed record GrantMembership(string? UserId, Role? Role)
{
    public Membership Valid() => new(UserId!, Role!.Value);

    public static implicit operator Membership(GrantMembership request) => request.Valid();
}

/// <summary>A member's role to grant, as its validator passed it.</summary>
public sealed record Membership(string UserId, Role Role);

public sealed class CreateEvaluationValidator : AbstractValidator<CreateEvaluation>
{
    public CreateEvaluationValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.StartsOn).NotNull();
        RuleFor(x => x.EndsOn).GreaterThanOrEqualTo(x => x.StartsOn)
            .When(x => x.StartsOn is not null && x.EndsOn is not null)
            .WithMessage("'endsOn' must not be before 'startsOn'.");
        RuleFor(x => x.Description).MaximumLength(4000);
    }
}

public sealed class DefineWaveValidator : AbstractValidator<DefineWave>
{
    public DefineWaveValidator()
    {
        RuleFor(x => x.Id).NotEqual(Guid.Empty);
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.StartsOn).NotNull();
        RuleFor(x => x.EndsOn).NotNull();
        RuleFor(x => x.EndsOn).GreaterThanOrEqualTo(x => x.StartsOn)
            .When(x => x.StartsOn is not null && x.EndsOn is not null)
            .WithMessage("'endsOn' must not be before 'startsOn'.");
    }
}

public sealed class GrantMembershipValidator : AbstractValidator<GrantMembership>
{
    public GrantMembershipValidator()
    {
        RuleFor(x => x.UserId).NotEmpty().MaximumLength(200)
            .Matches("^[A-Za-z0-9._@:|-]+$").WithMessage("'userId' may hold letters, digits and . _ @ : | - only.");
        RuleFor(x => x.Role).NotNull();
    }
}
