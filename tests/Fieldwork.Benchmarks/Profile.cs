using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Fieldwork.Benchmarks;

/// <summary>
/// Reads a CPU profile taken with <c>dotnet-trace collect-linux -p &lt;pid&gt; --profile cpu-sampling</c>
/// (kernel perf samples with managed frames; dotnet-trace's own report and convert do not read
/// them) and prints the methods with the most samples, on top of the stack (self) and anywhere on
/// it (inclusive). An awaiting method's inclusive count holds whatever ran under it.
/// </summary>
public static class Profile
{
    public static int Run(string path, string? contains, int top)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var self = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var e in log.Events)
        {
            if (e.CallStack() is not { } stack)
            {
                continue;
            }

            total++;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var leaf = true;
            for (var frame = stack; frame is not null; frame = frame.Caller)
            {
                var name = frame.CodeAddress.FullMethodName is { Length: > 0 } method ? method : frame.CodeAddress.ModuleName + "!?";
                name = name.IndexOf('(', StringComparison.Ordinal) is var paren and > 0 ? name[..paren] : name;
                if (leaf)
                {
                    self[name] = self.GetValueOrDefault(name) + 1;
                    leaf = false;
                }

                if (seen.Add(name))
                {
                    inclusive[name] = inclusive.GetValueOrDefault(name) + 1;
                }
            }
        }

        Console.WriteLine($"{total:N0} samples with stacks in {path}");
        void Print(string title, Dictionary<string, int> counts)
        {
            Console.WriteLine($"== {title}");
            foreach (var (name, count) in counts.Where(c => contains is null || c.Key.Contains(contains, StringComparison.Ordinal))
                .OrderByDescending(c => c.Value).Take(top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * count / Math.Max(1, total),6:0.0}% {name}"));
            }
        }

        Print("self", self);
        Print("inclusive", inclusive);
        return 0;
    }
}
