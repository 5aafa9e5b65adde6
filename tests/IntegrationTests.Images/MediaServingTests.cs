using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using CleanUser.Tests.Support;

namespace CleanUser.IntegrationTests.Images;

/// <summary>Issue 3, storage: stored images are served with long-lived caching and safe headers, and nothing else is.</summary>
public class MediaServingTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_stored_image_is_served_immutable_with_its_type_and_nosniff()
    {
        var url = await UploadAvatarAsync(TestImages.Png(64, 64, transparent: true));

        var response = await app.CreateClient().GetAsync(new Uri(url));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        // A name of its own: the served content's hash, then random hex (docs/images.md#storage).
        var served = await response.Content.ReadAsByteArrayAsync();
        Assert.Matches($"^avatars/{Convert.ToHexStringLower(SHA256.HashData(served))}-[0-9a-f]{{32}}\\.png$", Api.KeyOf(url));
        Assert.Equal($"\"{Path.GetFileNameWithoutExtension(url)}\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_file_stored_under_a_name_of_the_older_content_only_shape_is_still_served()
    {
        var picture = TestImages.Jpeg(66, 66);
        var key = $"avatars/{Convert.ToHexStringLower(SHA256.HashData(picture))}.jpg";
        Directory.CreateDirectory(Path.GetDirectoryName(app.Folder.MediaPath(key))!);
        await File.WriteAllBytesAsync(app.Folder.MediaPath(key), picture);

        var response = await app.CreateClient().GetAsync(new Uri("/media/" + key, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(picture, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_client_that_has_the_image_gets_304()
    {
        var url = await UploadAvatarAsync(TestImages.Jpeg(70, 70));
        var client = app.CreateClient();
        var etag = (await client.GetAsync(new Uri(url))).Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
        request.Headers.IfNoneMatch.Add(etag);
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Head_returns_the_headers_without_the_body()
    {
        var url = await UploadAvatarAsync(TestImages.Jpeg(72, 72));

        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(url));
        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/media/avatars/0000000000000000000000000000000000000000000000000000000000000000.jpg")] // well formed, not stored
    [InlineData("/media/avatars/0000000000000000000000000000000000000000000000000000000000000000-00000000000000000000000000000000.jpg")]
    [InlineData("/media/secret.txt")]
    [InlineData("/media/cleanuser.db")]
    [InlineData("/media/../cleanuser.db")]
    [InlineData("/media/avatars/..%2F..%2Fcleanuser.db")]
    [InlineData("/media/avatars/%2e%2e/%2e%2e/cleanuser.db")]
    [InlineData("/media/avatars/..\\..\\cleanuser.db")]
    [InlineData("/media//etc/passwd")]
    [InlineData("/media/%2Fetc%2Fpasswd")]
    [InlineData("/media/avatars/")]
    [InlineData("/media/")]
    public async Task Anything_but_a_stored_image_is_404_with_the_problem_body(string path)
    {
        // Files that do exist next to and above the media folder, which must never be reachable.
        await File.WriteAllTextAsync(Path.Combine(app.Folder.MediaRoot, "secret.txt"), "secret");
        await File.WriteAllTextAsync(Path.Combine(app.Folder.MediaRoot, "cleanuser.db"), "not the database");

        var response = await app.CreateClient().GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal("not_found", body.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_stored_image_under_a_wrong_extension_is_404()
    {
        var key = Api.KeyOf(await UploadAvatarAsync(TestImages.Jpeg(74, 74)));

        var response = await app.CreateClient().GetAsync(new Uri("/media/" + key.Replace(".jpg", ".png", StringComparison.Ordinal), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Image_urls_use_the_configured_public_base_url()
    {
        using var configured = app.WithWebHostBuilder(b => b.UseSetting("Media:PublicBaseUrl", "https://cdn.example.org/base/"));
        var id = await app.CreateUserAsync();
        var client = configured.CreateClient().WithToken(app.TokenFor(id));

        var avatar = await client.UploadAsync(id, "avatar", TestImages.Jpeg(76, 76));

        Assert.StartsWith("https://cdn.example.org/base/media/avatars/", avatar, StringComparison.Ordinal);
    }

    private async Task<string> UploadAvatarAsync(byte[] picture)
    {
        var id = await app.CreateUserAsync();
        return await app.ClientFor(id).UploadAsync(id, "avatar", picture);
    }
}
