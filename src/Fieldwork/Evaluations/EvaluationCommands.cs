using Fieldwork.Access;
using Fieldwork.Rules;
using FluentValidation;

namespace Fieldwork.Evaluations;

// Required values are nullable here so that a missing field reads as missing, not as a default.

public sealed record CreateEvaluation(Guid? Id, string? Name, DateOnly? StartsOn, DateOnly? EndsOn,
    [property: LongText] string? Description);

public sealed record DefineWave(Guid? Id, string? Name, DateOnly? StartsOn, DateOnly? EndsOn);

public sealed record GrantMembership(string? UserId, Role? Role);

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
