using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Fieldwork.Tests.Infrastructure;

/// <summary>A logger provider that keeps every formatted message (and exception text) in memory.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> messages = new();
    private readonly ConcurrentQueue<Entry> entries = new();

    /// <summary>One log entry, numbered in the order written.</summary>
    public sealed record Entry(long Number, LogLevel Level, string Category, string Message, Exception? Exception);

    public IReadOnlyCollection<string> Messages => messages;

    /// <summary>The entries written after the one numbered <paramref name="after"/> (0: all).</summary>
    public IReadOnlyList<Entry> Since(long after) => [.. entries.Where(e => e.Number > after)];

    /// <summary>The number of the latest entry, to read what comes after it.</summary>
    public long Mark => entries.IsEmpty ? 0 : entries.Max(e => e.Number);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, messages, entries);

    public void Dispose()
    {
    }

    private static long written;

    private sealed class Logger(string category, ConcurrentQueue<string> messages, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (messages.Count < 200_000)
            {
                var message = formatter(state, exception);
                messages.Enqueue($"{logLevel} {category}: {message} {exception}");
                entries.Enqueue(new Entry(Interlocked.Increment(ref written), logLevel, category, message, exception));
            }
        }
    }
}
