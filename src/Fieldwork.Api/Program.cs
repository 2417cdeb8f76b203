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
    case CommandLine.Kind.RotateKey:
        return await RotateKeyVerb.RunAsync(args, Console.Out, Console.Error);
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
try
{
    StartupSummary.PrintWhenStarted(app, await FieldworkHost.SeedDemoOnFirstRunAsync(app));
    await app.RunAsync();
}
catch (InvalidOperationException e)
{
    // A start-up check that failed (another key-encryption key than the store's, say).
    Console.Error.WriteLine($"Fieldwork cannot start: {e.Message}");
    return 1;
}

return 0;

/// <summary>The API's entry point (a type for the test host to find).</summary>
public partial class Program;
