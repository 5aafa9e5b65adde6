using System.Net;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Security;

/// <summary>Who may patch whom (only the owner; blocked and deleted accounts not even themselves), which paths exist, and how unusable requests are refused.</summary>
public sealed class AccessAndRoutingTests(TestApp app) : IClassFixture<TestApp>
{
    /// <summary>The request <paramref name="send"/> makes as the owner of a new user is refused with this status and code, and changes nothing.</summary>
    private async Task AssertOwnersRequestIsRefusedAsync(
        Func<HttpClient, long, Task<HttpResponseMessage>> send, HttpStatusCode status, string code)
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await send(client, id);

        await response.AssertErrorAsync(status, code);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Theory]
    [InlineData("someone else", "permission_denied")]
    [InlineData("themselves while blocked", "account_blocked")]
    [InlineData("themselves while deleted", "account_deleted")]
    public async Task Patching_a_profile_one_may_not_edit_returns_403_with_the_reason_and_changes_nothing(string whom, string code)
    {
        var target = await app.CreateUserAsync(whom switch
        {
            "someone else" => new UserBuilder().WithFullProfile(),
            "themselves while blocked" => new UserBuilder().Blocked(),
            _ => new UserBuilder().Deleted(),
        });
        var caller = whom == "someone else" ? await app.CreateUserAsync() : target;
        var before = await app.ReadUserAsync(target);
        using var client = app.ClientFor(caller);

        using var response = await client.PatchJsonAsync(target, new { bio = "let me in", username = UserBuilder.UniqueName() });

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, code);
        Assert.Equal(before, await app.ReadUserAsync(target));
    }

    [Fact]
    public async Task Patching_someone_else_is_refused_before_validation()
    {
        var victim = await app.CreateUserAsync();
        var attacker = await app.CreateUserAsync();
        using var client = app.ClientFor(attacker);

        using var response = await client.PatchJsonAsync(victim, new { username = "admin" });

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Theory]
    [InlineData("/api/v2/user/999999/")]
    [InlineData("/api/v2/user/abc/")]
    [InlineData("/api/v2/user/0/")]
    [InlineData("/api/v2/user/-1/")]
    [InlineData("/api/v2/user/+5/")]
    [InlineData("/api/v2/user/1.0/")]
    [InlineData("/api/v2/user/99999999999999999999/")]
    [InlineData("/api/v2/nothing/")]
    public async Task Get_of_no_user_returns_404_not_found(string path)
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Patch_of_a_non_numeric_id_returns_404()
    {
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        using var response = await client.PatchAsync(Api.Relative("/api/v2/user/abc/"), Api.Json(new { bio = "x" }));

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public Task Delete_returns_405_method_not_allowed() =>
        AssertOwnersRequestIsRefusedAsync(
            (client, id) => client.DeleteAsync(Api.UserUri(id)), HttpStatusCode.MethodNotAllowed, "method_not_allowed");

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public Task An_unsupported_content_type_with_a_body_returns_415(string contentType) =>
        AssertOwnersRequestIsRefusedAsync(
            (client, id) => client.PatchAsync(id, Api.Raw("bio=hello", contentType)),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");

    [Theory]
    [InlineData("application/json", """{"bio": "x" """)]
    [InlineData("application/json", """{"bio": "x",}""")]
    [InlineData("application/json", """[{"bio": "x"}]""")]
    [InlineData("application/json", "\"bio\"")]
    [InlineData("application/json", "null")]
    [InlineData("application/merge-patch+json", "{bio: x}")]
    public Task Malformed_or_non_object_json_returns_400_parse_error(string contentType, string body) =>
        AssertOwnersRequestIsRefusedAsync(
            (client, id) => client.PatchAsync(id, Api.Raw(body, contentType)), HttpStatusCode.BadRequest, "parse_error");

    [Theory]
    [InlineData("/api/v2/user/{0}/")]
    [InlineData("/api/v2/user/{0}")]
    public async Task Paths_work_with_and_without_the_trailing_slash(string template)
    {
        var id = await app.CreateUserAsync();
        var path = new Uri(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, id), UriKind.Relative);
        using var client = app.ClientFor(id);

        using var get = await client.GetAsync(path);
        using var patch = await client.PatchAsync(path, Api.Json(new { location = template }));

        Assert.Equal(id, (await get.ReadUserAsync()).GetProperty("id").GetInt64());
        Assert.Equal(template, (await patch.ReadUserAsync()).GetProperty("location").GetString());
        Assert.Equal(template, (await app.ReadUserAsync(id)).Location);
    }

    [Theory]
    [InlineData("/api/v2/user/me/")]
    [InlineData("/api/v2/user/me")]
    public async Task Me_returns_the_caller(string path)
    {
        var id = await app.CreateUserAsync();
        await app.CreateUserAsync(); // someone else, so "the first user" would be wrong
        using var client = app.ClientFor(id);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var user = await response.ReadUserAsync();
        Assert.Equal(id, user.GetProperty("id").GetInt64());
        Assert.Equal((await app.ReadUserAsync(id)).Username, user.GetProperty("username").GetString());
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task Me_without_a_token_returns_401_not_authenticated()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync(Api.Relative("/api/v2/user/me/"));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "not_authenticated");
        Assert.Equal("Bearer", string.Join(", ", response.Headers.WwwAuthenticate));
    }
}
