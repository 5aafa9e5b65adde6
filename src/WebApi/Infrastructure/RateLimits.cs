using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using CleanUser.Application.Common.Security;
using CleanUser.Infrastructure.Observability;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using RedisRateLimiting;
using StackExchange.Redis;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// docs/api.md#rate-limits. Each limit is declared here once — its name, its size and refill, which requests it counts
/// and what it partitions them by — as a token bucket; the store (<c>RateLimiting:Store</c>: in memory, per instance,
/// or in Redis, shared by every instance) only turns a declared bucket into a limiter. The system principal never comes
/// through HTTP, so it is never counted.
/// </summary>
public sealed partial class RateLimits : IDisposable
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";

    private readonly Limit? _writes;
    private readonly Limit? _anonymous;
    private readonly Limit? _failedAuthentications;
    private readonly ConnectionMultiplexer? _redis;
    private readonly PartitionedRateLimiter<Bucket> _buckets;

    public RateLimits(IOptions<RateLimitingOptions> options, ILogger<RateLimits> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _writes = Limit.Of("writes", settings.WriteBurst, settings.WritesPerMinute);
        _anonymous = Limit.Of("anonymous", settings.AnonymousPerMinute, settings.AnonymousPerMinute);
        _failedAuthentications = Limit.Of("failed-auth", settings.FailedAuthenticationsPerMinute, settings.FailedAuthenticationsPerMinute);
        if (settings.UsesRedis)
        {
            _redis = ConnectRedis(settings.RedisConnection!);
            _buckets = new FailOpen(RedisStore(_redis), logger);
        }
        else
        {
            _buckets = MemoryStore();
        }

        Requests = _buckets.WithTranslatedKey<HttpContext>(context => RequestBucket(context) ?? default, leaveOpen: true);
    }

    /// <summary>
    /// What ASP.NET Core's rate limiter takes one permit from on each API request: a PATCH or PUT of a signed-in user
    /// from the user's bucket, a request without credentials from its client network's bucket; nothing else.
    /// </summary>
    public PartitionedRateLimiter<HttpContext> Requests { get; }

    /// <summary>
    /// How long until this client may present credentials again, when its failed authentications have used up its
    /// bucket; <c>null</c> when it may now. Checked before the credentials are, so a guess that would be right is
    /// refused too.
    /// </summary>
    public async ValueTask<TimeSpan?> AuthenticationBlockedForAsync(HttpContext context) =>
        FailedAuthenticationBucket(context) is { Limit: { } limit } bucket && await RemainingAsync(bucket).ConfigureAwait(false) < 1
            ? limit.RefillInterval
            : null;

    public async ValueTask CountFailedAuthenticationAsync(HttpContext context)
    {
        if (FailedAuthenticationBucket(context) is { } bucket)
        {
            // Never queued (QueueLimit 0): answered at once, like the memory store's AttemptAcquire, by either store.
            (await _buckets.AcquireAsync(bucket).ConfigureAwait(false)).Dispose();
        }
    }

    /// <summary>
    /// <c>RateLimit-Policy</c> and <c>RateLimit</c> (IETF draft-ietf-httpapi-ratelimit-headers) for the limit of this
    /// request with the fewest requests left. <c>q</c> is the bucket's size, <c>w</c> the minute its refill rate is
    /// counted in, <c>r</c> what is left, <c>t</c> the seconds until the bucket is full again.
    /// </summary>
    public async Task AddFieldsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var candidates = new List<(Limit? Limit, long Remaining)>(2);
        foreach (var bucket in new[] { RequestBucket(context), FailedAuthenticationBucket(context) }.OfType<Bucket>())
        {
            candidates.Add((bucket.Limit, await RemainingAsync(bucket).ConfigureAwait(false)));
        }

        var (limit, remaining) = candidates
            .OrderBy(candidate => candidate.Remaining) // stable: on a tie, the request's own limit
            .FirstOrDefault();
        if (limit is null)
        {
            return;
        }

        var untilFull = (int)Math.Ceiling((limit.Size - remaining) * limit.RefillInterval.TotalSeconds);
        var headers = context.Response.Headers;
        headers[PolicyHeader] = string.Create(CultureInfo.InvariantCulture, $"\"{limit.Name}\";q={limit.Size};w=60");
        headers[StateHeader] = string.Create(CultureInfo.InvariantCulture, $"\"{limit.Name}\";r={remaining};t={untilFull}");
    }

    /// <summary>
    /// How long a refused client should wait, from the refusal (<paramref name="lease"/>) of either store: the memory
    /// store gives a <see cref="TimeSpan"/>, the Redis store whole seconds.
    /// </summary>
    public static TimeSpan RetryAfter(RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait
            : lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(1);
    }

    /// <summary>The 429 of docs/api.md#rate-limits: <c>Retry-After</c> and the <c>throttled</c> problem body.</summary>
    public static Task RefuseAsync(HttpContext context, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        context.RequestServices.GetRequiredService<CleanUserMetrics>().RecordThrottled();
        return ProblemExceptionHandler.WriteAsync(context, ProblemBody.For(StatusCodes.Status429TooManyRequests, "throttled",
            "Request was throttled.", $"Request was throttled. Expected available in {seconds} seconds."));
    }

    /// <summary>The client's network: an IPv4 address, or the /64 of an IPv6 address (one subscriber usually holds a whole /64).</summary>
    private static string ClientNetwork(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose()
    {
        Requests.Dispose();
        _buckets.Dispose();
        _redis?.Dispose();
    }

    private static bool HasCredentials(HttpContext context) => !StringValues.IsNullOrEmpty(context.Request.Headers.Authorization);

    private Bucket? RequestBucket(HttpContext context)
    {
        if (!HasCredentials(context))
        {
            return _anonymous is null ? null : new Bucket(_anonymous, ClientNetwork(context));
        }

        var isWrite = HttpMethods.IsPatch(context.Request.Method) || HttpMethods.IsPut(context.Request.Method);
        return _writes is not null && isWrite && context.RequestServices.GetRequiredService<ICurrentUser>().Caller is { Kind: CallerKind.User } caller
            ? new Bucket(_writes, caller.UserId!.Value.ToString(CultureInfo.InvariantCulture))
            : null;
    }

    private Bucket? FailedAuthenticationBucket(HttpContext context) =>
        _failedAuthentications is not null && HasCredentials(context) ? new Bucket(_failedAuthentications, ClientNetwork(context)) : null;

    /// <summary>
    /// What is left in <paramref name="bucket"/>: the memory store's statistics, or (Redis, which keeps no statistics)
    /// the count a request for no token returns; a full bucket when the store cannot say.
    /// </summary>
    private async ValueTask<long> RemainingAsync(Bucket bucket)
    {
        if (_redis is null)
        {
            return _buckets.GetStatistics(bucket)?.CurrentAvailablePermits ?? bucket.Limit!.Size;
        }

        using var peek = await _buckets.AcquireAsync(bucket, permitCount: 0).ConfigureAwait(false);
        return peek.TryGetMetadata(RateLimitMetadataName.Remaining, out var remaining) ? remaining : bucket.Limit!.Size;
    }

    /// <summary>
    /// The in-memory store: one token bucket per (limit, partition), refilled continuously by the partitioned limiter's
    /// own timer; a bucket that has been full for a while is dropped, so memory follows the active clients.
    /// </summary>
    private static PartitionedRateLimiter<Bucket> MemoryStore() =>
        PartitionedRateLimiter.Create<Bucket, Bucket>(bucket => bucket.Limit is { } limit
            ? RateLimitPartition.GetTokenBucketLimiter(bucket, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Size,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = limit.RefillInterval,
                QueueLimit = 0,
                AutoReplenishment = false,
            })
            : RateLimitPartition.GetNoLimiter(bucket));

    /// <summary>
    /// The Redis store (RedisRateLimiting): the same token bucket, kept in Redis under the limit's name and partition,
    /// so every instance draws on one bucket per user or network. Redis refills it by whole tokens when asked.
    /// </summary>
    private static PartitionedRateLimiter<Bucket> RedisStore(ConnectionMultiplexer redis) =>
        PartitionedRateLimiter.Create<Bucket, string>(bucket => bucket.Limit is { } limit
            ? RedisRateLimitPartition.GetTokenBucketRateLimiter($"cleanuser:{limit.Name}:{bucket.Key}", _ => new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis,
                TokenLimit = limit.Size,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = limit.RefillInterval,
            })
            : RateLimitPartition.GetNoLimiter(string.Empty));

    /// <summary>
    /// Connects in the background (the service starts, and fails open, while Redis is down) and fails a command at
    /// once while disconnected, instead of queueing it until a timeout (docs/adr/0023-redis-rate-limits.md).
    /// </summary>
    private static ConnectionMultiplexer ConnectRedis(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.Connect(configuration);
    }

    [LoggerMessage(LogLevel.Warning, "The Redis rate-limit store did not answer; the request is let through unlimited (docs/security.md#rate-limits)")]
    private static partial void RedisUnavailable(ILogger logger, Exception exception);

    /// <summary>
    /// The Redis store, failing open: when Redis cannot be reached or does not answer in time, a request is let
    /// through (and a warning logged) rather than refused — the limits protect the write path, they are not worth an
    /// outage of it (docs/adr/0023-redis-rate-limits.md).
    /// </summary>
    private sealed class FailOpen(PartitionedRateLimiter<Bucket> store, ILogger logger) : PartitionedRateLimiter<Bucket>
    {
        public override RateLimiterStatistics? GetStatistics(Bucket resource) => null;

        protected override RateLimitLease AttemptAcquireCore(Bucket resource, int permitCount) => store.AttemptAcquire(resource, permitCount);

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(Bucket resource, int permitCount, CancellationToken cancellationToken)
        {
            try
            {
                return await store.AcquireAsync(resource, permitCount, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
            {
                RedisUnavailable(logger, exception);
                return LetThrough.Instance;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                store.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The lease of a request let through without a count.</summary>
    private sealed class LetThrough : RateLimitLease
    {
        public static readonly LetThrough Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    /// <summary>One declared limit: a bucket of <paramref name="Size"/> tokens, refilled at <paramref name="PerMinute"/> a minute.</summary>
    private sealed record Limit(string Name, int Size, int PerMinute)
    {
        public TimeSpan RefillInterval => TimeSpan.FromMinutes(1) / PerMinute;

        public static Limit? Of(string name, int size, int perMinute) => size > 0 && perMinute > 0 ? new(name, size, perMinute) : null;
    }

    /// <summary>A limit and the partition it counts: a user id or a client network. <c>default</c> counts nothing.</summary>
    private readonly record struct Bucket(Limit? Limit, string Key);
}

/// <summary>Registration and pipeline order of the limits (docs/api.md#rate-limits).</summary>
public static class RateLimitSetup
{
    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                o.RedisConnection = configuration.GetConnectionString(RateLimitingOptions.RedisConnectionName);
                o.EnsureUsable();
            });
        services.AddSingleton<RateLimits>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RateLimits>((options, limits) =>
        {
            options.GlobalLimiter = limits.Requests;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (rejected, _) => new ValueTask(RateLimits.RefuseAsync(rejected.HttpContext, RateLimits.RetryAfter(rejected.Lease)));
        });
        return services;
    }

    /// <summary>
    /// Every response of the API branch gets the <c>RateLimit</c> fields — set when the response starts, so they
    /// survive the exception handler clearing the headers of an error.
    /// </summary>
    public static IApplicationBuilder UseRateLimitFields(this IApplicationBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var limits = api.ApplicationServices.GetRequiredService<RateLimits>();
        return api.Use((context, next) =>
        {
            context.Response.OnStarting(() => limits.AddFieldsAsync(context));
            return next(context);
        });
    }

    /// <summary>
    /// Around authentication (<see cref="CallerMiddleware"/>): credentials it refuses (401) count against the client's
    /// failed-authentication bucket, and while that bucket is empty credentials are refused with 429 unchecked.
    /// </summary>
    public static IApplicationBuilder UseFailedAuthenticationLimit(this IApplicationBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var limits = api.ApplicationServices.GetRequiredService<RateLimits>();
        return api.Use(async (context, next) =>
        {
            if (await limits.AuthenticationBlockedForAsync(context).ConfigureAwait(false) is { } retryAfter)
            {
                await RateLimits.RefuseAsync(context, retryAfter).ConfigureAwait(false);
                return;
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (RequestRejectedException rejected) when (rejected.Problem.Status == StatusCodes.Status401Unauthorized)
            {
                await limits.CountFailedAuthenticationAsync(context).ConfigureAwait(false);
                throw;
            }
        });
    }
}
