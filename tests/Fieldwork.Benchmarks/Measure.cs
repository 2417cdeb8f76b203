using System.Diagnostics;
using System.Globalization;

namespace Fieldwork.Benchmarks;

/// <summary>Timings of one measured path: every sample kept, summarised by median and p95.</summary>
public sealed record Timing(string Name, IReadOnlyList<double> Milliseconds)
{
    public double Median => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double Percentile(double p)
    {
        var sorted = Milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public string Row(Timing baseline) => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Milliseconds.Count} | {Median:0.000} | {P95:0.000} | {baseline.Median / Median:0.0}x |");
}

public static class Measure
{
    /// <summary>Runs <paramref name="action"/> a few times to warm up, then <paramref name="samples"/> timed times.</summary>
    public static async Task<Timing> RunAsync(string name, int samples, Func<int, Task> action, int warmup = 20)
    {
        for (var i = 0; i < warmup; i++)
        {
            await action(i);
        }

        var times = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var watch = Stopwatch.StartNew();
            await action(i);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return new Timing(name, times);
    }

    public static void Report(string title, Timing baseline, params Timing[] others)
    {
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine("| path | samples | median ms | p95 ms | median speed-up vs baseline |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine((baseline with { Name = baseline.Name + " (baseline)" }).Row(baseline));
        foreach (var timing in others)
        {
            Console.WriteLine(timing.Row(baseline));
        }

        Console.WriteLine();
    }
}
