using Fieldwork.Api.Hosting;
using Fieldwork.Api.Problems;
using Fieldwork.Evidence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Fieldwork.Tests.Problems;

/// <summary>
/// The reshaping of Wolverine's own problems, on problems built exactly as Wolverine 6.62 builds
/// them (HttpHandler.WriteQueryValueParsingProblem and ReadJsonAsync). The query check answers
/// before Wolverine parses a query value, so through the API this path is reached only by a
/// parameter type the check leaves to Wolverine.
/// </summary>
public sealed class ProblemShapingTests
{
    private static HttpContext Context(RequestContract? contract)
    {
        var services = new ServiceCollection();
        services.ConfigureHttpJsonOptions(o => JsonDefaults.Apply(o.SerializerOptions));
        var context = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        context.Request.Path = "/api/evaluations/x/evidence";
        if (contract is not null)
        {
            context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(contract), "test"));
        }

        return context;
    }

    private static ProblemDetails Shape(ProblemDetails problem, RequestContract? contract)
    {
        ProblemShaping.Customize(new ProblemDetailsContext { HttpContext = Context(contract), ProblemDetails = problem });
        return problem;
    }

    private static ProblemDetails WolverineQueryProblem(string parameter, string raw, string type) => new()
    {
        Status = 400,
        Title = "Invalid query string value",
        Detail = $"Query string parameter '{parameter}' has the value '{raw}' which cannot be parsed to the expected type {type}",
        Extensions = { ["parameter"] = parameter },
    };

    private static Dictionary<string, string[]> Errors(ProblemDetails problem) =>
        Assert.IsType<Dictionary<string, string[]>>(problem.Extensions["errors"]);

    [Fact]
    public void wolverines_query_problem_gets_the_errors_map_and_the_allowed_values()
    {
        var contract = new RequestContract(null, new Dictionary<string, Type> { ["kind"] = typeof(EvidenceKind?) });
        var problem = Shape(WolverineQueryProblem("kind", "foo", "Fieldwork.Evidence.EvidenceKind"), contract);

        Assert.Equal(["'kind' must be one of interview, observation, document."], Errors(problem)["kind"]);
        Assert.False(problem.Extensions.ContainsKey("parameter"));
        Assert.Equal(ProblemShaping.InvalidTitle, problem.Title);
        Assert.DoesNotContain("Fieldwork.Evidence", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("foo", problem.Detail, StringComparison.Ordinal); // the raw value is not echoed
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", problem.Type);
    }

    [Fact]
    public void without_the_contract_wolverines_type_name_is_read()
    {
        var problem = Shape(WolverineQueryProblem("limit", "abc", "int"), contract: null);
        Assert.StartsWith("'limit' must be an integer", Errors(problem)["limit"].Single(), StringComparison.Ordinal);
        Assert.StartsWith("'siteId' must be a GUID",
            Errors(Shape(WolverineQueryProblem("siteId", "x", "System.Guid"), contract: null))["siteId"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void wolverines_body_problem_gets_the_one_type_and_the_field()
    {
        var problem = Shape(new ProblemDetails
        {
            Type = "https://httpstatuses.com/400",
            Title = "Invalid JSON format",
            Status = 400,
            Detail = "The JSON value could not be converted to Fieldwork.Evaluations.CreateEvaluation. Path: $.startsOn | LineNumber: 0 | BytePositionInLine: 35.",
            Extensions = { ["lineNumber"] = 0L, ["bytePositionInLine"] = 35L },
        }, new RequestContract(typeof(Fieldwork.Evaluations.CreateEvaluation), new Dictionary<string, Type>()));

        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", problem.Type);
        Assert.Equal(["'startsOn' must be a date, yyyy-MM-dd (2019-03-31)."], Errors(problem)["startsOn"]);
        Assert.False(problem.Extensions.ContainsKey("lineNumber"));
    }

    [Theory]
    [InlineData(400, "rfc9110#section-15.5.1")]
    [InlineData(401, "rfc9110#section-15.5.2")]
    [InlineData(403, "rfc9110#section-15.5.4")]
    [InlineData(404, "rfc9110#section-15.5.5")]
    [InlineData(409, "rfc9110#section-15.5.10")]
    [InlineData(413, "rfc9110#section-15.5.14")]
    [InlineData(415, "rfc9110#section-15.5.16")]
    [InlineData(429, "rfc6585#section-4")]
    [InlineData(500, "rfc9110#section-15.6.1")]
    [InlineData(503, "rfc9110#section-15.6.4")]
    public void every_status_has_one_type_uri(int status, string section) =>
        Assert.Equal($"https://tools.ietf.org/html/{section}", ProblemShaping.TypeOf(status));
}
