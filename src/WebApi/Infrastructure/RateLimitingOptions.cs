namespace CleanUser.WebApi.Infrastructure;

/// <summary>docs/api.md#rate-limits <c>RateLimiting:*</c>. <c>0</c> turns a limit off.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public const string MemoryStore = "Memory";

    public const string RedisStore = "Redis";

    /// <summary>The connection string the Redis store uses: <c>ConnectionStrings:Redis</c>.</summary>
    public const string RedisConnectionName = "Redis";

    /// <summary>Tokens added per minute to each authenticated user's bucket for PATCH and PUT.</summary>
    public int WritesPerMinute { get; set; } = 60;

    /// <summary>The size of that bucket: how many writes may come at once.</summary>
    public int WriteBurst { get; set; } = 20;

    /// <summary>Requests per minute per client network (an IPv4 address, an IPv6 /64) without credentials.</summary>
    public int AnonymousPerMinute { get; set; } = 300;

    /// <summary>Refused credentials per minute per client network before any credentials from it are refused with 429.</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 30;

    /// <summary>
    /// Where the buckets live: <c>Memory</c>, per instance, or <c>Redis</c>, shared by every instance
    /// (<c>ConnectionStrings:Redis</c>; docs/security.md#rate-limits).
    /// </summary>
    public string Store { get; set; } = MemoryStore;

    /// <summary><c>ConnectionStrings:Redis</c>, read from there (not from this section) when the options are configured.</summary>
    public string? RedisConnection { get; set; }

    public bool UsesRedis => string.Equals(Store, RedisStore, StringComparison.OrdinalIgnoreCase);

    /// <summary>Refuses settings the service cannot run with, naming the key.</summary>
    public void EnsureUsable()
    {
        if (!UsesRedis && !string.Equals(Store, MemoryStore, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"RateLimiting:Store must be \"{MemoryStore}\" or \"{RedisStore}\", not \"{Store}\".");
        }

        if (UsesRedis && string.IsNullOrWhiteSpace(RedisConnection))
        {
            throw new InvalidOperationException(
                $"RateLimiting:Store \"{RedisStore}\" needs ConnectionStrings:{RedisConnectionName} (for example \"localhost:6379\").");
        }

        foreach (var (key, value) in new[]
                 {
                     (nameof(WritesPerMinute), WritesPerMinute), (nameof(WriteBurst), WriteBurst),
                     (nameof(AnonymousPerMinute), AnonymousPerMinute), (nameof(FailedAuthenticationsPerMinute), FailedAuthenticationsPerMinute),
                 })
        {
            if (value < 0)
            {
                throw new InvalidOperationException($"RateLimiting:{key} must be 0 (off) or more, not {value}.");
            }
        }
    }
}
