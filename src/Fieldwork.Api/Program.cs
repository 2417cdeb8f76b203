using Fieldwork.Api.Hosting;
using Fieldwork.Api.Verbs;

switch (CommandLine.Of(args))
{
    case CommandLine.Kind.Token:
        return TokenVerb.Run(args, Console.Out, Console.Error);
    case CommandLine.Kind.Seed:
        return await SeedVerb.RunAsync(args, Console.Out, Console.Error);
    case CommandLine.Kind.Verify:
        return await VerifyVerb.RunAsync(args, Console.Out, Console.Error);
    case CommandLine.Kind.Help or CommandLine.Kind.Unknown:
        return CommandLine.Help(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
try
{
    await FieldworkHost.ConfigureAsync(builder);
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"Fieldwork cannot start: {e.Message}");
    return 1;
}

var app = builder.Build();
FieldworkHost.UsePipeline(app);
StartupSummary.PrintWhenStarted(app, await FieldworkHost.SeedDemoOnFirstRunAsync(app));
await app.RunAsync();
return 0;

/// <summary>The API's entry point (a type for the test host to find).</summary>
public partial class Program;
