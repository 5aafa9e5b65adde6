using System.Net;
using System.Net.Http.Headers;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>ETag, If-Match and If-None-Match on the user resource, and no lost update without them.</summary>
public class ConditionalRequestTests(TestApp app) : IClassFixture<TestApp>
{
    private static async Task<string> ETagAsync(HttpClient client, long id)
    {
        var response = await client.GetUserAsync(id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tag = response.Headers.ETag;
        Assert.NotNull(tag);
        Assert.False(tag.IsWeak);
        return tag.Tag;
    }

    private static Task<HttpResponseMessage> PatchIfMatchAsync(HttpClient client, long id, string ifMatch, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, Api.UserUri(id)) { Content = Api.Json(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_stale_If_Match_is_412_and_the_database_is_unchanged()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var stale = await ETagAsync(client, id);
        await (await client.PatchJsonAsync(id, new { bio = "moved on" })).ReadUserAsync();
        var before = await app.ReadUserAsync(id);

        var response = await PatchIfMatchAsync(client, id, stale, new { bio = "overwrite" });

        await response.AssertErrorAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_current_If_Match_is_200_with_a_new_ETag()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var current = await ETagAsync(client, id);

        var response = await PatchIfMatchAsync(client, id, current, new { bio = "fresh" });

        await response.ReadUserAsync();
        Assert.NotEqual(current, response.Headers.ETag!.Tag);
        Assert.Equal(response.Headers.ETag.Tag, await ETagAsync(client, id));
        Assert.Equal("fresh", (await app.ReadUserAsync(id)).Bio);
    }

    [Fact]
    public async Task If_Match_star_accepts_any_version()
    {
        var id = await app.CreateUserAsync();

        await (await PatchIfMatchAsync(app.ClientFor(id), id, "*", new { bio = "any" })).ReadUserAsync();
    }

    [Theory]
    [InlineData("W/\"{0}\"")]
    [InlineData("\"999999-0\"")]
    [InlineData("garbage")]
    public async Task A_weak_foreign_or_malformed_If_Match_matches_nothing(string format)
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var current = (await ETagAsync(client, id)).Trim('"');
        var before = await app.ReadUserAsync(id);

        var response = await PatchIfMatchAsync(client, id, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, current), new { bio = "x" });

        await response.AssertErrorAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task If_None_Match_with_the_current_ETag_is_304_without_a_body()
    {
        var id = await app.CreateUserAsync();
        var client = app.CreateClient();
        var current = await ETagAsync(client, id);
        var request = new HttpRequestMessage(HttpMethod.Get, Api.UserUri(id));
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(current));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(current, response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task If_None_Match_with_an_old_ETag_returns_the_user()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var old = await ETagAsync(client, id);
        await (await client.PatchJsonAsync(id, new { bio = "newer" })).ReadUserAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, Api.UserUri(id));
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(old));

        var user = await (await client.SendAsync(request)).ReadUserAsync();

        Assert.Equal("newer", user.GetProperty("bio").GetString());
    }

    /// <summary>Issue 4, acceptance 4: without If-Match, concurrent PATCHes of different fields all persist.</summary>
    [Fact]
    public async Task Parallel_patches_of_different_fields_lose_no_update()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var bios = Enumerable.Range(0, 25).Select(i => $"bio-{i}").ToList();
        var locations = Enumerable.Range(0, 25).Select(i => $"location-{i}").ToList();

        var responses = await Task.WhenAll(
            bios.Select(b => client.PatchJsonAsync(id, new { bio = b }))
                .Concat(locations.Select(l => client.PatchJsonAsync(id, new { location = l }))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = await app.ReadUserAsync(id);
        Assert.Contains(stored.Bio, bios);
        Assert.Contains(stored.Location, locations);
    }
}
