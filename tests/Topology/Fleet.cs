using System.Globalization;
using CleanUser.FunctionalTests.Webhooks;
using CleanUser.Tests.Support;

namespace CleanUser.Topology;

/// <summary>
/// The topology of docs/deploy.md, as real processes on loopback: a PostgreSQL database (a fresh one on the server of
/// <c>CLEANUSER_TEST_POSTGRES</c>), redis-server, s3rver, two CleanUser instances and nginx in front of them — plus
/// a webhook receiver, and an in-process host over the same database for what an operator does outside the API
/// (inserting users, <c>webhook add</c>, reading the tables). Started once for all the tests; every process is
/// stopped by its PID at the end, whatever happened.
/// </summary>
public sealed class Fleet : IAsyncLifetime
{
    /// <summary>Each user's write bucket: big enough for the 25 PATCHes a user sends in the concurrency test.</summary>
    public const int WriteBurst = 30;

    /// <summary>Refill of the write bucket, per minute.</summary>
    public const int WritesPerMinute = 60;

    /// <summary>How long an instance keeps a claimed outbox row; a webhook delivery's lease adds the 2 s timeout.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(4);

    private readonly List<IDisposable> _started = [];

    public TestFolder Folder { get; private set; } = null!;

    public S3Server S3 { get; private set; } = null!;

    public string Bucket { get; private set; } = null!;

    /// <summary>The operator's console over the fleet's database; it does not dispatch the outbox.</summary>
    public TestApp Admin { get; private set; } = null!;

    public Subscription Webhooks { get; private set; } = null!;

    public IReadOnlyList<Instance> Instances { get; private set; } = [];

    public Nginx Proxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!TestDatabase.OnPostgres)
        {
            throw new InvalidOperationException(
                $"{TestDatabase.PostgresVariable} must name a PostgreSQL 15 server: run tests/Topology/run.sh (docs/testing.md#topology).");
        }

        Folder = Track(TestFolder.Create());
        var redis = Track(await RedisServer.StartAsync());
        S3 = Track(await S3Server.StartAsync(logRequests: true));
        Bucket = await S3.CreateBucketAsync();
        var environment = Environment(redis);

        // Migrations once, before any instance starts, as a rollout does.
        var (exitCode, output) = await Instance.RunVerbAsync(environment, "migrate");
        Assert.True(exitCode == 0, $"migrate failed: {output}");

        Admin = TestApp.Over(Folder, new TestAppOptions { Outbox = false });
        _ = Admin.Services; // starts it
        Webhooks = await Subscription.StartAsync(Admin);

        Instances = [Track(new Instance("a", environment)), Track(new Instance("b", environment))];
        await Task.WhenAll(Instances.Select(i => i.StartAsync()));
        Proxy = Track(await Nginx.StartAsync(Instances));
    }

    /// <summary>Inserts <paramref name="count"/> new users and returns each one's id with a token for it.</summary>
    public async Task<IReadOnlyList<(long Id, string Token)>> CreateUsersAsync(int count)
    {
        var users = new List<(long, string)>();
        for (var i = 0; i < count; i++)
        {
            var id = await Admin.CreateUserAsync();
            users.Add((id, Admin.TokenFor(id)));
        }

        return users;
    }

    /// <summary>What every instance logged, for a failure's message.</summary>
    public string Logs => string.Join("\n", Instances.Select(i => i.Output));

    public async Task DisposeAsync()
    {
        if (Webhooks is not null)
        {
            await Webhooks.Receiver.DisposeAsync();
        }

        Admin?.Dispose();
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            _started[i].Dispose();
        }
    }

    private T Track<T>(T process)
        where T : IDisposable
    {
        _started.Add(process);
        return process;
    }

    /// <summary>Every instance's environment: the same database, signing key, bucket and Redis (docs/deploy.md#instances).</summary>
    private Dictionary<string, string> Environment(RedisServer redis)
    {
        var settings = new Dictionary<string, string>(S3.Settings(Bucket))
        {
            ["Database:Provider"] = Folder.Database.Provider,
            ["ConnectionStrings:Default"] = Folder.Database.ConnectionString,
            ["Auth:SigningKey"] = TestApp.SigningKey,
            ["RateLimiting:Store"] = "Redis",
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["RateLimiting:WriteBurst"] = WriteBurst.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:WritesPerMinute"] = WritesPerMinute.ToString(CultureInfo.InvariantCulture),
            ["Observability:Prometheus"] = "true",
            // Short leases and polls, so the test sees a dead instance's claims taken over within seconds.
            ["Outbox:LeaseDuration"] = Lease.ToString("c", CultureInfo.InvariantCulture),
            ["Outbox:PollInterval"] = "00:00:01",
            ["Webhooks:TimeoutSeconds"] = "2",
            ["Webhooks:RetryBaseSeconds"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
        return environment;
    }
}
