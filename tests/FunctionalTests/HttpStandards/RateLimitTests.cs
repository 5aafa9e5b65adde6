using System.Net;
using System.Net.Http.Headers;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>
/// docs/api.md#rate-limits with small limits (the shared test host has none). Buckets refill at most once a minute here
/// (<c>…PerMinute</c> ≤ 4), so nothing refills while a test runs. Client addresses come from <c>X-Forwarded-For</c>, as
/// behind a proxy with <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>.
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Writes_beyond_the_burst_are_refused_with_429_throttled_and_change_nothing()
    {
        using var app = WithLimits(("WriteBurst", "3"), ("WritesPerMinute", "1"));
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        for (var left = 2; left >= 0; left--)
        {
            var accepted = await client.PatchJsonAsync(id, new { bio = $"write {left}" });
            await accepted.ReadUserAsync();
            Assert.Equal("\"writes\";q=3;w=60", Field(accepted, "RateLimit-Policy"));
            Assert.Equal($"\"writes\";r={left};t={(3 - left) * 60}", Field(accepted, "RateLimit"));
        }

        var before = await app.ReadUserAsync(id);
        var refused = await client.PatchJsonAsync(id, new { bio = "one too many" });

        await AssertThrottledAsync(refused, expectedRetryAfter: 60);
        Assert.Equal("\"writes\";r=0;t=180", Field(refused, "RateLimit"));
        Assert.Contains("no-store", refused.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Each_user_has_a_write_bucket_of_their_own_shared_by_patch_and_put_and_reads_are_not_counted()
    {
        using var app = WithLimits(("WriteBurst", "2"), ("WritesPerMinute", "1"));
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        using var aliceClient = app.ClientFor(alice);

        await (await aliceClient.PatchJsonAsync(alice, new { bio = "patched" })).ReadUserAsync();
        var username = (await app.ReadUserAsync(alice)).Username;
        await (await aliceClient.PutAsync(alice, Api.Json(new { username, bio = "put" }))).ReadUserAsync();

        await AssertThrottledAsync(await aliceClient.PatchJsonAsync(alice, new { bio = "third" }), expectedRetryAfter: 60);
        await (await aliceClient.GetUserAsync(alice)).ReadUserAsync();
        await (await app.ClientFor(bob).PatchJsonAsync(bob, new { bio = "bob's first" })).ReadUserAsync();
    }

    [Fact]
    public async Task Requests_without_credentials_are_limited_per_client_address()
    {
        using var app = WithLimits(("AnonymousPerMinute", "2"));
        var id = await app.CreateUserAsync();
        using var client = app.Client();

        var first = await client.SendAsync(Get(id, from: "203.0.113.7"));
        Assert.Equal("\"anonymous\";q=2;w=60", Field(first, "RateLimit-Policy"));
        Assert.Equal("\"anonymous\";r=1;t=30", Field(first, "RateLimit"));
        await (await client.SendAsync(Get(id, from: "203.0.113.7"))).ReadUserAsync();

        await AssertThrottledAsync(await client.SendAsync(Get(id, from: "203.0.113.7")), expectedRetryAfter: 30);
        await (await client.SendAsync(Get(id, from: "203.0.113.8"))).ReadUserAsync();
        // With credentials the request is not anonymous: no limit applies to an authenticated read.
        var authenticated = await client.SendAsync(Get(id, from: "203.0.113.7", token: app.TokenFor(id)));
        await authenticated.ReadUserAsync();
        Assert.False(authenticated.Headers.Contains("RateLimit"));
    }

    [Fact]
    public async Task IPv6_clients_share_the_anonymous_limit_of_their_64()
    {
        using var app = WithLimits(("AnonymousPerMinute", "2"));
        var id = await app.CreateUserAsync();
        using var client = app.Client();

        await (await client.SendAsync(Get(id, from: "2001:db8:1:2::1"))).ReadUserAsync();
        await (await client.SendAsync(Get(id, from: "2001:db8:1:2:ffff:ffff:ffff:9"))).ReadUserAsync();

        await AssertThrottledAsync(await client.SendAsync(Get(id, from: "2001:db8:1:2::77")), expectedRetryAfter: 30);
        await (await client.SendAsync(Get(id, from: "2001:db8:1:3::1"))).ReadUserAsync();
    }

    [Fact]
    public async Task Past_the_failed_authentication_limit_credentials_from_that_address_are_refused_with_429_even_valid_ones()
    {
        using var app = WithLimits(("FailedAuthenticationsPerMinute", "2"));
        var id = await app.CreateUserAsync();
        var forged = Jwt.Hs256(Jwt.AccessClaims(id), key: "not-the-service-key-0123456789abcdef-0123456789");
        using var client = app.Client();

        var firstFailure = await client.SendAsync(Get(id, from: "198.51.100.4", token: forged));
        await firstFailure.AssertErrorAsync(HttpStatusCode.Unauthorized, "authentication_failed");
        Assert.Equal("\"failed-auth\";r=1;t=30", Field(firstFailure, "RateLimit"));
        await (await client.SendAsync(Get(id, from: "198.51.100.4", token: "garbage"))).AssertErrorAsync(HttpStatusCode.Unauthorized, "authentication_failed");

        await AssertThrottledAsync(await client.SendAsync(Get(id, from: "198.51.100.4", token: forged)), expectedRetryAfter: 30);
        await AssertThrottledAsync(await client.SendAsync(Get(id, from: "198.51.100.4", token: app.TokenFor(id))), expectedRetryAfter: 30);
        await (await client.SendAsync(Get(id, from: "198.51.100.5", token: app.TokenFor(id)))).ReadUserAsync();
        await (await client.SendAsync(Get(id, from: "198.51.100.4"))).ReadUserAsync();
    }

    [Fact]
    public async Task The_fields_describe_the_limit_closest_to_exhaustion()
    {
        using var app = WithLimits(("WriteBurst", "4"), ("WritesPerMinute", "1"), ("FailedAuthenticationsPerMinute", "4"));
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);
        using var anonymous = app.Client();

        var first = await client.PatchJsonAsync(id, new { bio = "first" });
        Assert.Equal("\"writes\";r=3;t=60", Field(first, "RateLimit"));

        for (var i = 0; i < 3; i++)
        {
            await (await anonymous.SendAsync(Get(id, token: "not-a-token"))).AssertErrorAsync(HttpStatusCode.Unauthorized, "authentication_failed");
        }

        var second = await client.PatchJsonAsync(id, new { bio = "second" });
        await second.ReadUserAsync();
        Assert.Equal("\"failed-auth\";q=4;w=60", Field(second, "RateLimit-Policy"));
        Assert.Equal("\"failed-auth\";r=1;t=45", Field(second, "RateLimit"));
    }

    [Fact]
    public async Task Zero_turns_a_limit_off()
    {
        using var app = WithLimits(("WriteBurst", "1"), ("WritesPerMinute", "0"));
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        for (var i = 0; i < 5; i++)
        {
            var response = await client.PatchJsonAsync(id, new { bio = $"write {i}" });
            await response.ReadUserAsync();
            Assert.False(response.Headers.Contains("RateLimit-Policy"));
        }
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    public async Task Health_checks_and_the_metrics_scrape_are_outside_the_limits(string path)
    {
        // Probes and scrapes come often, from one address, without credentials: counted, they would eat the anonymous
        // budget of that network and, once refused, take the instance out of the proxy's rotation.
        using var app = WithLimits(("AnonymousPerMinute", "1"), ("Observability:Prometheus", "true"));
        using var client = app.Client();

        for (var i = 0; i < 3; i++)
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, Api.Relative(path));
            probe.Headers.Add("X-Forwarded-For", "203.0.113.9");
            using var response = await client.SendAsync(probe);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static TestApp WithLimits(params (string Key, string Value)[] limits)
    {
        var settings = limits.ToDictionary(l => l.Key.Contains(':', StringComparison.Ordinal) ? l.Key : "RateLimiting:" + l.Key, l => l.Value);
        settings["ForwardedHeaders_Enabled"] = "true";
        return TestApp.With(new TestAppOptions { Settings = settings });
    }

    /// <summary>A GET of the user from the client at <paramref name="from"/> (none: the test server's own), with a token or without.</summary>
    private static HttpRequestMessage Get(long id, string? from = null, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api.UserUri(id));
        if (from is not null)
        {
            request.Headers.Add("X-Forwarded-For", from);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static string Field(HttpResponseMessage response, string name) => Assert.Single(response.Headers.GetValues(name));

    private static async Task AssertThrottledAsync(HttpResponseMessage response, int expectedRetryAfter)
    {
        var problem = await response.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("throttled", error.GetProperty("code").GetString());
        Assert.Equal(expectedRetryAfter, (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
        Assert.Equal($"Request was throttled. Expected available in {expectedRetryAfter} seconds.", error.GetProperty("message").GetString());
    }
}
