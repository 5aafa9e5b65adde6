using System.Net;
using CleanUser.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>
/// docs/api.md#rate-limits with <c>RateLimiting:Store=Redis</c>: two instances of the service over one database and one
/// real Redis (<see cref="RedisServer"/>), as two processes behind a load balancer. The bucket refills once a minute,
/// so nothing refills while a test runs.
/// </summary>
public sealed class RedisRateLimitTests : IAsyncLifetime
{
    private readonly TestFolder _folder = TestFolder.Create();
    private RedisServer? _redis;

    public async Task InitializeAsync()
    {
        if (RedisServer.WhyNot is null)
        {
            _redis = await RedisServer.StartAsync();
        }
    }

    [RedisFact]
    public async Task A_users_writes_spread_over_two_instances_draw_on_one_bucket_and_another_user_is_unaffected()
    {
        using var first = Instance();
        using var second = Instance();
        var alice = await first.CreateUserAsync();
        var bob = await first.CreateUserAsync();
        HttpClient[] aliceClients = [first.ClientFor(alice), second.ClientFor(alice)];

        for (var left = 2; left >= 0; left--)
        {
            var accepted = await aliceClients[left % 2].PatchJsonAsync(alice, new { bio = $"write {left}" });
            await accepted.ReadUserAsync();
            Assert.Equal("\"writes\";q=3;w=60", Field(accepted, "RateLimit-Policy"));
            Assert.Equal($"\"writes\";r={left};t={(3 - left) * 60}", Field(accepted, "RateLimit"));
        }

        var before = await first.ReadUserAsync(alice);
        foreach (var client in aliceClients)
        {
            var refused = await client.PatchJsonAsync(alice, new { bio = "one too many" });
            var problem = await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
            var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
            Assert.Equal("throttled", error.GetProperty("code").GetString());
            var retryAfter = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            Assert.InRange(retryAfter, 1, 60);
            Assert.Equal($"Request was throttled. Expected available in {retryAfter} seconds.", error.GetProperty("message").GetString());
            Assert.Equal("\"writes\";r=0;t=180", Field(refused, "RateLimit"));
        }

        Assert.Equal(before, await first.ReadUserAsync(alice));
        await (await second.ClientFor(bob).PatchJsonAsync(bob, new { bio = "bob's first" })).ReadUserAsync();
        foreach (var client in aliceClients)
        {
            client.Dispose();
        }
    }

    [RedisFact]
    public async Task While_redis_is_down_writes_are_let_through_and_a_warning_is_logged()
    {
        using var app = Instance();
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);
        await (await client.PatchJsonAsync(id, new { bio = "counted" })).ReadUserAsync();

        _redis!.Stop();
        for (var i = 0; i < 4; i++)
        {
            await (await client.PatchJsonAsync(id, new { bio = $"uncounted {i}" })).ReadUserAsync();
        }

        Assert.Equal("uncounted 3", (await app.ReadUserAsync(id)).Bio);
        Assert.Contains(app.Log.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("Redis rate-limit store", StringComparison.Ordinal));
    }

    public Task DisposeAsync()
    {
        _redis?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private TestApp Instance() => TestApp.Over(_folder, new TestAppOptions
    {
        Settings = new Dictionary<string, string>
        {
            ["RateLimiting:Store"] = "Redis",
            ["ConnectionStrings:Redis"] = _redis!.ConnectionString,
            ["RateLimiting:WriteBurst"] = "3",
            ["RateLimiting:WritesPerMinute"] = "1",
        },
    });

    private static string Field(HttpResponseMessage response, string name) => Assert.Single(response.Headers.GetValues(name));
}
