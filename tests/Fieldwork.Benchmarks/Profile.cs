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
    /// <param name="leaf">When given, only the samples whose top frame's name contains it: what runs
    /// that code (for instance <c>libclrjit</c>: which methods are still being compiled, and for whom).</param>
    /// <param name="under">When given, only the samples with a frame whose name contains it: what one
    /// piece of code spends its time on (for instance <c>EvidenceBatcher</c>: the writer loop).</param>
    public static int Run(string path, string? contains, int top, string? leaf = null, string? under = null)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var self = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        var all = 0;
        var frames = new List<string>();
        foreach (var e in log.Events)
        {
            if (e.CallStack() is not { } stack)
            {
                continue;
            }

            all++;
            frames.Clear();
            for (var frame = stack; frame is not null; frame = frame.Caller)
            {
                var name = frame.CodeAddress.FullMethodName is { Length: > 0 } method ? method : frame.CodeAddress.ModuleName + "!?";
                frames.Add(name.IndexOf('(', StringComparison.Ordinal) is var paren and > 0 ? name[..paren] : name);
            }

            if ((leaf is not null && !frames[0].Contains(leaf, StringComparison.Ordinal))
                || (under is not null && !frames.Exists(f => f.Contains(under, StringComparison.Ordinal))))
            {
                continue;
            }

            total++;
            self[frames[0]] = self.GetValueOrDefault(frames[0]) + 1;
            foreach (var name in frames.Distinct(StringComparer.Ordinal))
            {
                inclusive[name] = inclusive.GetValueOrDefault(name) + 1;
            }
        }

        if (leaf is not null || under is not null)
        {
            Console.WriteLine($"{total:N0} of {all:N0} samples are kept (top frame containing '{leaf}', a frame containing '{under}'); percentages are of those");
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

/// <summary>
/// Reads a trace of the runtime's JIT events (<c>dotnet-trace collect -p &lt;pid&gt; --providers
/// Microsoft-Windows-DotNETRuntime:0x10:5</c>) and prints what was compiled, by tier and by
/// namespace: code still being compiled minutes into a steady load is either tiering catching up
/// or code generated at run time.
/// </summary>
public static class JitLog
{
    public static int Run(string path, int top)
    {
        using var source = new Microsoft.Diagnostics.Tracing.EventPipeEventSource(path);
        var byTier = new Dictionary<string, int>(StringComparer.Ordinal);
        var byNamespace = new Dictionary<string, int>(StringComparer.Ordinal);
        var methods = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        source.Clr.MethodLoadVerbose += e =>
        {
            total++;
            var tier = e.OptimizationTier.ToString();
            byTier[tier] = byTier.GetValueOrDefault(tier) + 1;
            var space = e.MethodNamespace.Split('[', '`')[0];
            byNamespace[space] = byNamespace.GetValueOrDefault(space) + 1;
            var name = $"{tier} {e.MethodNamespace}::{e.MethodName}";
            methods[name] = methods.GetValueOrDefault(name) + 1;
        };
        source.Process();
        Console.WriteLine($"{total:N0} methods compiled in {path}");
        foreach (var (title, counts) in new[] { ("tier", byTier), ("type", byNamespace), ("method", methods) })
        {
            Console.WriteLine($"== by {title}");
            foreach (var (name, count) in counts.OrderByDescending(c => c.Value).Take(top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,7:N0} {name}"));
            }
        }

        return 0;
    }
}
