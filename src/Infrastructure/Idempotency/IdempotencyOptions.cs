namespace CleanUser.Infrastructure.Idempotency;

/// <summary><c>Idempotency:*</c> (docs/api.md#idempotency).</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>
    /// How long a marker of a request that is still running holds its key. Longer than any request lives (the
    /// database's lock wait is 30 s); it only matters when an instance died with a request in flight: its key is free
    /// again after this. A request that outlives it cannot store its change anyway (docs/adr/0016-idempotent-writes.md).
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>How often expired keys are deleted. Expired keys are free the moment they expire; this only reclaims rows.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    /// <summary>How long a stored response is replayed, from the moment it was stored.</summary>
    public int RetentionHours { get; set; } = 24;

    public TimeSpan Retention => TimeSpan.FromHours(RetentionHours);
}
