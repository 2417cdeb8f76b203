using Fieldwork.Api.Hosting;
using Fieldwork.Api.Verbs;

if (args is ["token", ..])
{
    return TokenVerb.Run(args, Console.Out, Console.Error);
}

if (args is ["seed", ..])
{
    return await SeedVerb.RunAsync(args, Console.Out, Console.Error);
}

if (args is ["verify", ..])
{
    return await VerifyVerb.RunAsync(args, Console.Out, Console.Error);
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
await FieldworkHost.SeedDemoOnFirstRunAsync(app);
await app.RunAsync();
return 0;

/// <summary>The API's entry point (a type for the test host to find).</summary>
public partial class Program;
