namespace CleanUser.Infrastructure.Webhooks;

/// <summary><c>Webhooks:*</c> (docs/webhooks.md#delivery).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>A failed first attempt is tried this many more times; then the delivery is recorded as failed.</summary>
    public const int Retries = 5;

    /// <summary>A delivery succeeds with a 2xx answer within this many seconds; anything else is a failure.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The back-off: after the n-th failed attempt the next waits <c>RetryBaseSeconds^n</c> seconds (5, 25, … 3125).</summary>
    public double RetryBaseSeconds { get; set; } = 5;

    /// <summary>Events with nothing left to send are deleted, with their deliveries and attempts, this many days after they were made; 0 keeps them.</summary>
    public int RetentionDays { get; set; } = 30;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan RetryDelay(int failedAttempts) => TimeSpan.FromSeconds(Math.Pow(RetryBaseSeconds, failedAttempts));
}
