using Microsoft.Extensions.Logging;

namespace CleanUser.Tests.Support;

/// <summary>The log lines the service writes under <c>CleanUser.*</c>, at every level, for tests about what is logged.</summary>
public sealed class TestLog : ILoggerProvider
{
    private readonly List<LogLine> _lines = [];

    public IReadOnlyList<LogLine> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            lock (log._lines)
            {
                log._lines.Add(new LogLine(category, logLevel, formatter(state, exception) +
                    (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")));
            }
        }
    }
}

public sealed record LogLine(string Category, LogLevel Level, string Message);
