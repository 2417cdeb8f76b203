using Fieldwork.Api.Auth;

namespace Fieldwork.Api.Verbs;

/// <summary>
/// <c>token &lt;userId&gt;</c>: prints one line, a bearer token for that user, and nothing else on
/// stdout. It reads the same configuration as the API and needs no database.
/// </summary>
public static class TokenVerb
{
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        if (args.Length < 2 || string.IsNullOrWhiteSpace(args[1]))
        {
            errors.WriteLine("usage: token <userId>");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder(args[2..]);
        try
        {
            var settings = AuthSettings.From(builder.Configuration, builder.Environment);
            output.WriteLine(Tokens.Mint(settings, args[1], TimeProvider.System));
            return 0;
        }
        catch (InvalidOperationException e)
        {
            errors.WriteLine(e.Message);
            return 1;
        }
    }
}
