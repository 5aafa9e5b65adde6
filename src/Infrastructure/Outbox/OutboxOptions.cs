namespace CleanUser.Infrastructure.Outbox;

/// <summary><c>Outbox:*</c>: how the dispatcher delivers domain events (see docs/adr/0005-outbox.md).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Whether this instance dispatches. Off, events wait in the table for an instance where it is on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How often to look for rows this process was not told about (written by another instance, or left by one
    /// that stopped). Events committed here are dispatched at once: the unit of work wakes the dispatcher.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed row stays with its dispatcher; after that another instance may take it over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    public int BatchSize { get; set; } = 20;

    /// <summary>Back-off after the first failure; it doubles with every further one, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this many failed attempts a row is left alone, with its last error, for an operator.</summary>
    public int MaxAttempts { get; set; } = 15;

    /// <summary>Delivered rows are kept this long (for diagnosis), then deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan RetryDelay(int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = RetryBaseDelay * Math.Pow(2, exponent);
        return delay < RetryMaxDelay ? delay : RetryMaxDelay;
    }
}
