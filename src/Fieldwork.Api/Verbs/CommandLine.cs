namespace Fieldwork.Api.Verbs;

/// <summary>
/// What the program was asked to do: serve the API (no verb, or only configuration arguments such
/// as <c>--urls</c> or <c>Key=value</c>), one of the verbs, help, or a verb it does not know.
/// </summary>
public static class CommandLine
{
    public enum Kind
    {
        Serve,
        Token,
        Seed,
        Verify,
        RotateKey,
        Help,
        Unknown,
    }

    public const string Usage = """
        Fieldwork: the system of record for longitudinal qualitative evaluations.

        Usage: dotnet run --project src/Fieldwork.Api [-- VERB [ARGS]] [--Key=value ...]

        With no verb, serves the API (and the demo evaluation on a first run in Development).

        Verbs:
          token <userId>               print a development bearer token for that user (needs no database;
                                       signed with Auth:SigningKey, so not with Auth:Authority)
          seed [--seed N] [--scale N [--size K]]
                                       load the synthetic demo evaluation (and N more of its shape,
                                       each with K times its evidence and codings)
          verify [--sequence N --head H]
                                       check the integrity chain of the event log (and that it
                                       still passes through an anchor recorded earlier)
          rotate-key [--new-key-file F]
                                       rewrap every data key under a new key-encryption key
                                       (stop the API first)
          help                         print this text

        Configuration (appsettings.json, environment variables such as ConnectionStrings__Fieldwork,
        or --Key=value arguments) is described in README.md and docs/security.md.
        """;

    public static Kind Of(string[] args) => args switch
    {
        [] => Kind.Serve,
        ["token", ..] => Kind.Token,
        ["seed", ..] => Kind.Seed,
        ["verify", ..] => Kind.Verify,
        ["rotate-key", ..] => Kind.RotateKey,
        ["help" or "--help" or "-h" or "-?", ..] => Kind.Help,
        // Configuration for the server: --urls x, --Key=value, /Key value, Key=value.
        [var first, ..] when first.StartsWith('-') || first.StartsWith('/') || first.Contains('=') => Kind.Serve,
        _ => Kind.Unknown,
    };

    /// <summary>Help on standard output (exit 0); for an unknown verb, a line saying so and the same help on standard error (exit 2).</summary>
    public static int Help(string[] args, TextWriter output, TextWriter errors)
    {
        if (Of(args) == Kind.Help)
        {
            output.WriteLine(Usage);
            return 0;
        }

        errors.WriteLine($"Unknown verb '{args[0]}'.");
        errors.WriteLine();
        errors.WriteLine(Usage);
        return 2;
    }
}
