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

    /// <summary>
    /// A secret kept in a file that only its owner may read (mode 0600): read if it exists (and its
    /// mode tightened if it was looser), else made by <paramref name="make"/> and written once;
    /// when two processes race, both use the one written first.
    /// </summary>
    public static string Secret(string path, Func<string> make)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            var fresh = make();
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var file = new FileStream(path, options);
                file.Write(System.Text.Encoding.UTF8.GetBytes(fresh + "\n"));
                return fresh;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process wrote it first: use theirs.
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
        {
            // Written by an earlier version readable by every local user: from now on, only by its owner.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return File.ReadAllText(path).Trim();
    }
}
