using System.Net;
using System.Text.RegularExpressions;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Tests.Support;
using MediatR;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>The service as a real socket serves it: Kestrel decides what a HEAD response and the Server header look like.</summary>
public sealed class RealSocketApp : IDisposable
{
    public TestApp App { get; } = TestApp.With(new TestAppOptions { RealSocket = true });

    public void Dispose() => App.Dispose();
}

/// <summary>docs/security.md#http-hygiene: HEAD, headers every response carries or leaves out, caching of user JSON.</summary>
public sealed partial class HttpHygieneTests(RealSocketApp socket) : IClassFixture<RealSocketApp>
{
    private TestApp App => socket.App;

    [Theory]
    [InlineData("/api/v2/user/{id}/")]
    [InlineData("/api/v2/user/me/")]
    [InlineData("/docs/v1")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Head_answers_as_get_does_without_a_body(string path)
    {
        var id = await App.CreateUserAsync();
        using var client = App.ClientFor(id);
        var uri = Api.Relative(path.Replace("{id}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        using var get = await client.GetAsync(uri);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, uri));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HeaderNames(get), HeaderNames(head));
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Headers.CacheControl, head.Headers.CacheControl);
    }

    [Theory]
    [InlineData("GET", "/api/v2/user/{id}/")]
    [InlineData("GET", "/api/v2/user/0/")]
    [InlineData("DELETE", "/api/v2/user/{id}/")]
    [InlineData("PATCH", "/api/v2/user/{id}/")]
    [InlineData("GET", "/docs/v1")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/health/live")]
    [InlineData("GET", "/media/avatars/none.jpg")]
    public async Task Every_response_says_nosniff_and_names_no_server(string method, string path)
    {
        var id = await App.CreateUserAsync();
        var uri = Api.Relative(path.Replace("{id}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        using var response = await App.Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), uri));

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task The_reference_page_may_not_be_framed_and_runs_only_scripts_with_this_responses_nonce()
    {
        using var client = App.Client();

        var first = await client.GetAsync(Api.Relative("/docs/v1"));
        var second = await client.GetAsync(Api.Relative("/docs/v1"));

        var policy = Assert.Single(first.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        var nonce = Nonce().Match(policy).Groups["nonce"].Value;
        Assert.NotEmpty(nonce);
        var scripts = ScriptTag().Matches(await first.Content.ReadAsStringAsync()).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, script => Assert.Contains($"nonce=\"{nonce}\"", script, StringComparison.Ordinal));
        Assert.NotEqual(nonce, Nonce().Match(Assert.Single(second.Headers.GetValues("Content-Security-Policy"))).Groups["nonce"].Value);
    }

    [Fact]
    public async Task A_public_user_is_revalidated_and_the_callers_own_profile_and_writes_are_not_stored()
    {
        var id = await App.CreateUserAsync();
        using var owner = App.ClientFor(id);

        var publicUser = await App.Client().GetUserAsync(id);
        var notModified = await App.Client().SendAsync(IfNoneMatch(id, publicUser.Headers.ETag!.Tag));
        var me = await owner.GetAsync(Api.Relative("/api/v2/user/me/"));
        var patched = await owner.PatchJsonAsync(id, new { bio = "cached nowhere" });
        var put = await owner.PutAsync(id, Api.Json(new { username = (await App.ReadUserAsync(id)).Username }));
        var refused = await owner.PatchJsonAsync(id, new { gender = "neither" });

        Assert.Equal("no-cache", publicUser.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("no-cache", notModified.Headers.CacheControl!.ToString());
        Assert.Equal("no-store", me.Headers.CacheControl!.ToString());
        Assert.Equal("no-store", patched.Headers.CacheControl!.ToString());
        Assert.Equal("no-store", put.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(refused.Headers.CacheControl!.NoStore);
    }

    private static HttpRequestMessage IfNoneMatch(long id, string tag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api.UserUri(id));
        request.Headers.TryAddWithoutValidation("If-None-Match", tag);
        return request;
    }

    private static List<string> HeaderNames(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers).Select(h => h.Key)
            .Where(name => name is not ("Date" or "Content-Length" or "Transfer-Encoding"))
            .Order(StringComparer.OrdinalIgnoreCase).ToList();

    [GeneratedRegex("'nonce-(?<nonce>[^']+)'")]
    private static partial Regex Nonce();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}

/// <summary>Outside Development: HSTS, and image URLs only on a host the operator named.</summary>
public sealed class ProductionHostTests : IDisposable
{
    private readonly TestApp _app = TestApp.With(new TestAppOptions
    {
        Environment = "Production",
        Settings = new Dictionary<string, string> { ["AllowedHosts"] = "api.example.org" },
    });

    [Fact]
    public async Task Over_https_every_response_carries_strict_transport_security()
    {
        var id = await _app.CreateUserAsync();
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://api.example.org") });

        var response = await client.GetUserAsync(id);

        await response.ReadUserAsync();
        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_urls_use_an_allowed_request_host_and_any_other_host_is_refused()
    {
        var id = await _app.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://api.example.org") });

        var user = await (await client.GetUserAsync(id)).ReadUserAsync();
        var foreign = new HttpRequestMessage(HttpMethod.Get, Api.UserUri(id));
        foreign.Headers.Host = "attacker.example";
        var refused = await client.SendAsync(foreign);

        Assert.Equal("https://api.example.org/media/" + UserBuilder.Full.Avatar, user.GetProperty("avatar").GetString());
        await refused.AssertErrorAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.DoesNotContain("attacker", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _app.Dispose();
}

/// <summary>Outside Development with any host allowed: the service runs because the image URL base is fixed.</summary>
public sealed class ProductionPublicBaseUrlTests : IDisposable
{
    private readonly TestApp _app = TestApp.With(new TestAppOptions
    {
        Environment = "Production",
        Settings = new Dictionary<string, string> { ["AllowedHosts"] = "*", ["Media:PublicBaseUrl"] = "https://cdn.example.org/" },
    });

    [Fact]
    public async Task Image_urls_keep_the_public_base_url_whatever_host_the_client_sends()
    {
        var id = await _app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var request = new HttpRequestMessage(HttpMethod.Get, Api.UserUri(id));
        request.Headers.Host = "attacker.example";

        var user = await (await _app.Client().SendAsync(request)).ReadUserAsync();

        Assert.Equal("https://cdn.example.org/media/" + UserBuilder.Full.Avatar, user.GetProperty("avatar").GetString());
    }

    public void Dispose() => _app.Dispose();
}

/// <summary>In Development HSTS stays off: local HTTPS certificates come and go, and browsers remember HSTS for a long time.</summary>
public sealed class DevelopmentHstsTests : IDisposable
{
    private readonly TestApp _app = TestApp.With(new TestAppOptions
    {
        Environment = "Development",
        Settings = new Dictionary<string, string> { ["AllowedHosts"] = "api.example.org" },
    });

    [Fact]
    public async Task Development_sends_no_strict_transport_security()
    {
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://api.example.org") });

        var response = await client.GetAsync(Api.Relative("/health/live"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    public void Dispose() => _app.Dispose();
}

/// <summary>
/// docs/api.md#configuration <c>Http:RequestTimeoutSeconds</c>: a request still running at its deadline is cancelled;
/// its transaction rolls back and the client gets 503 <c>service_unavailable</c> with <c>Retry-After</c>.
/// </summary>
public sealed class RequestTimeoutTests : IDisposable
{
    private readonly TestApp _app = TestApp.With(new TestAppOptions
    {
        Settings = new Dictionary<string, string> { ["Http:RequestTimeoutSeconds"] = "1" },
        Services = services => services.AddScoped(typeof(IPipelineBehavior<,>), typeof(StallAfterWriting<,>)),
    });

    [Fact]
    public async Task A_write_past_the_timeout_is_503_with_retry_after_and_leaves_nothing_written()
    {
        var id = await _app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await _app.ReadUserAsync(id);
        var outbox = (await _app.OutboxAsync()).Count;

        var response = await _app.ClientFor(id).PatchJsonAsync(id, new { bio = "never stored", avatar = (string?)null });

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Equal(before, await _app.ReadUserAsync(id));
        Assert.Equal(outbox, (await _app.OutboxAsync()).Count);
    }

    public void Dispose() => _app.Dispose();

    /// <summary>Innermost behavior: lets the change write its rows, then waits inside the transaction until cancelled.</summary>
    private sealed class StallAfterWriting<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    {
        public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
        {
            var response = await next();
            if (request is PatchUserCommand)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            return response;
        }
    }
}
