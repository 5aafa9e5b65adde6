using System.Net;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>docs/api.md#cors: browsers on other origins may call the API only when <c>Cors:AllowedOrigins</c> lists them.</summary>
public sealed class CorsTests
{
    private const string App = "https://app.example.org";

    [Fact]
    public async Task Without_allowed_origins_no_origin_is_let_in()
    {
        using var app = new TestApp();
        var id = await app.CreateUserAsync();
        using var client = app.Client();

        var preflight = await client.SendAsync(Preflight(id, App));
        var get = await client.SendAsync(From(App, HttpMethod.Get, id));

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("Cors:AllowedOrigins:0", App)]
    [InlineData("Cors:AllowedOrigins", "https://admin.example.org;" + App)]
    public async Task A_listed_origin_may_send_what_the_official_client_sends_and_read_the_etag_and_limits(string key, string origins)
    {
        using var app = TestApp.With(new TestAppOptions { Settings = new Dictionary<string, string> { [key] = origins } });
        var id = await app.CreateUserAsync();
        using var client = app.Client();

        var preflight = await client.SendAsync(Preflight(id, App));
        var get = await client.SendAsync(From(App, HttpMethod.Get, id));
        var refused = await client.SendAsync(From(App, HttpMethod.Get, id, token: "broken"));

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(App, Single(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains("PATCH", Single(preflight, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Superset(new HashSet<string>(["authorization", "content-type", "if-match", "if-none-match"]),
            Single(preflight, "Access-Control-Allow-Headers").ToLowerInvariant().Split(',', StringSplitOptions.TrimEntries).ToHashSet());
        Assert.Equal("600", Single(preflight, "Access-Control-Max-Age"));
        Assert.Equal(App, Single(get, "Access-Control-Allow-Origin"));
        var exposed = Single(get, "Access-Control-Expose-Headers").Split(',', StringSplitOptions.TrimEntries);
        Assert.Superset(new HashSet<string>(["ETag", "RateLimit", "RateLimit-Policy", "Retry-After"]), exposed.ToHashSet());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(App, Single(refused, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task An_origin_not_listed_is_not_let_in()
    {
        using var app = TestApp.With(new TestAppOptions { Settings = new Dictionary<string, string> { ["Cors:AllowedOrigins:0"] = App } });
        var id = await app.CreateUserAsync();
        using var client = app.Client();

        var preflight = await client.SendAsync(Preflight(id, "https://evil.example"));
        var get = await client.SendAsync(From("https://evil.example", HttpMethod.Get, id));

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
    }

    /// <summary>What a browser sends before the official client's PATCH with a token and an If-Match.</summary>
    private static HttpRequestMessage Preflight(long id, string origin)
    {
        var request = From(origin, HttpMethod.Options, id);
        request.Headers.Add("Access-Control-Request-Method", "PATCH");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,if-match");
        return request;
    }

    private static HttpRequestMessage From(string origin, HttpMethod method, long id, string? token = null)
    {
        var request = new HttpRequestMessage(method, Api.UserUri(id));
        request.Headers.Add("Origin", origin);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return request;
    }

    private static string Single(HttpResponseMessage response, string header) => Assert.Single(response.Headers.GetValues(header));
}
