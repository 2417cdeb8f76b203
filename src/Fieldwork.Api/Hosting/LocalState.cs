namespace Fieldwork.Api.Hosting;

/// <summary>
/// The git-ignored folder where a developer checkout keeps machine-local state: the private
/// PostgreSQL cluster and the development signing key. It sits beside Fieldwork.sln so that
/// the run command, the token verb and the tests all find the same one.
/// </summary>
public static class LocalState
{
    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("FIELDWORK_LOCAL_STATE");
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Path.GetFullPath(configured);
            }

            var root = FindCheckoutRoot(AppContext.BaseDirectory) ?? FindCheckoutRoot(System.IO.Directory.GetCurrentDirectory());
            return Path.Combine(root ?? System.IO.Directory.GetCurrentDirectory(), ".fieldwork");
        }
    }

    private static string? FindCheckoutRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fieldwork.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
