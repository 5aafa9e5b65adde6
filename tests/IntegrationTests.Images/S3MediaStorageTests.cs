using System.Net;
using System.Text.Json;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Media;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// docs/images.md#s3: <c>Media:Provider=S3</c> against a real S3-compatible server (<see cref="S3Server"/>). The same
/// order of effects as on disk — the new object before the commit and gone again if it does not commit, the replaced
/// one deleted after the commit — URLs on <c>Media:PublicBaseUrl</c>, readiness on the bucket, and a store that cannot
/// be reached is a 503 that changes nothing.
/// </summary>
public sealed class S3MediaStorageTests(S3MediaStorageTests.SharedServer shared) : IClassFixture<S3MediaStorageTests.SharedServer>
{
    private static readonly TestAppOptions NoDispatcher = new() { Outbox = false };

    [S3Fact]
    public async Task An_uploaded_avatar_is_an_object_at_the_public_base_and_its_key_with_its_type_and_caching()
    {
        var bucket = await Server.CreateBucketAsync();
        await using var app = App(bucket);
        var id = await app.CreateUserAsync();

        var url = await app.ClientFor(id).UploadAsync(id, "avatar", TestImages.Png(300, 200));

        var key = (await app.ReadUserAsync(id)).Avatar;
        Assert.Equal(Server.PublicBaseUrl(bucket) + key, url);
        Assert.Equal([key!], await Server.KeysAsync(bucket));
        using var http = new HttpClient();
        using var served = await http.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(MediaOptions.CacheControl, served.Headers.CacheControl?.ToString());
        using var image = TestImages.Decode(await served.Content.ReadAsByteArrayAsync());
        Assert.Equal((200, 200), (image.Width, image.Height));
    }

    [S3Fact]
    public async Task The_service_does_not_serve_media_itself()
    {
        var bucket = await Server.CreateBucketAsync();
        await using var app = App(bucket);
        var id = await app.CreateUserAsync();
        var key = KeyOf(bucket, await app.ClientFor(id).UploadAsync(id, "avatar", TestImages.Jpeg(120, 120)));

        using var response = await app.Client().GetAsync(Api.Relative("/media/" + key));

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    [S3Fact]
    public async Task A_replaced_object_is_deleted_only_after_the_commit_and_a_removed_one_too()
    {
        var bucket = await Server.CreateBucketAsync();
        using var folder = TestFolder.Create();
        long id;
        string first, second;
        await using (var committing = TestApp.Over(folder, NoDispatcher with { Settings = Server.Settings(bucket) }))
        {
            id = await committing.CreateUserAsync();
            first = KeyOf(bucket, await committing.ClientFor(id).UploadAsync(id, "avatar", TestImages.Jpeg(130, 130)));
            second = KeyOf(bucket, await committing.ClientFor(id).UploadAsync(id, "avatar", TestImages.Jpeg(140, 140)));

            Assert.Equal(second, (await committing.ReadUserAsync(id)).Avatar);
            Assert.Equal([first, second], await Server.KeysAsync(bucket)); // committed; the replaced one waits for its event
        }

        await using var delivering = TestApp.Over(folder, new TestAppOptions { Settings = Server.Settings(bucket) });
        _ = delivering.Services; // starts the host, and with it the dispatcher
        await Eventually.TrueAsync(async () => (await Server.KeysAsync(bucket)).SetEquals([second]), "the replaced object is deleted");

        Assert.Equal(HttpStatusCode.OK, (await delivering.ClientFor(id).PatchJsonAsync(id, new { avatar = (string?)null })).StatusCode);
        await Eventually.TrueAsync(async () => (await Server.KeysAsync(bucket)).Count == 0, "the removed object is deleted");
        Assert.Null((await delivering.ReadUserAsync(id)).Avatar);
    }

    [S3Fact]
    public async Task A_change_that_does_not_commit_leaves_no_new_object_and_the_old_avatar()
    {
        var bucket = await Server.CreateBucketAsync();
        var failingCommit = new FailingCommitInterceptor();
        await using var app = TestApp.With(NoDispatcher with
        {
            Settings = Server.Settings(bucket),
            Services = services => services.ConfigureDbContext<CleanUserDbContext>(options => options.AddInterceptors(failingCommit)),
        });
        var id = await app.CreateUserAsync();
        var old = KeyOf(bucket, await app.ClientFor(id).UploadAsync(id, "avatar", TestImages.Jpeg(220, 220)));
        var before = await app.ReadUserAsync(id);

        failingCommit.Armed = true;
        using var response = await app.ClientFor(id).PatchMultipartAsync(id, [("avatar", TestImages.Jpeg(230, 230), "new.jpg")],
            ("bio", "lost with the transaction"));
        failingCommit.Armed = false;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(before, await app.ReadUserAsync(id));
        Assert.Equal([old], await Server.KeysAsync(bucket)); // the new object was stored, then deleted again
    }

    [S3Fact]
    public async Task A_missing_object_reads_as_none_and_deleting_it_is_not_an_error()
    {
        var bucket = await Server.CreateBucketAsync();
        await using var app = App(bucket);
        var storage = app.Services.GetRequiredService<IMediaStorage>();
        var missing = $"avatars/{new string('a', 64)}-{new string('b', 32)}.jpg";

        Assert.Null(await storage.OpenReadAsync(missing, CancellationToken.None));
        await storage.DeleteAsync(missing, CancellationToken.None);

        Assert.Empty(await Server.KeysAsync(bucket));
    }

    [S3Fact]
    public async Task A_stored_object_reads_back_with_its_content_and_type()
    {
        var bucket = await Server.CreateBucketAsync();
        await using var app = App(bucket);
        var id = await app.CreateUserAsync();
        var key = KeyOf(bucket, await app.ClientFor(id).UploadAsync(id, "cover", TestImages.Png(400, 100, transparent: true)));

        var stored = await app.Services.GetRequiredService<IMediaStorage>().OpenReadAsync(key, CancellationToken.None);

        Assert.NotNull(stored);
        await using var content = stored.Content;
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        Assert.Equal(("image/png", copy.Length), (stored.ContentType, stored.Length));
        using var image = TestImages.Decode(copy.ToArray());
        Assert.Equal((400, 100), (image.Width, image.Height));
    }

    [S3Fact]
    public async Task Ready_is_200_with_the_bucket_and_503_naming_it_without()
    {
        var bucket = await Server.CreateBucketAsync();
        await using var ready = App(bucket);
        await using var noBucket = App("never-created");

        Assert.Equal(HttpStatusCode.OK, (await ready.Client().GetAsync(Api.Relative("/health/ready"))).StatusCode);
        var (status, description) = await MediaCheckAsync(noBucket);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "The bucket 'never-created' does not exist."), (status, description));
        Assert.Empty(await Server.KeysAsync(bucket)); // the probe leaves nothing behind
    }

    [S3Fact]
    public async Task When_the_store_is_down_ready_is_503_and_a_write_is_503_with_retry_after_and_changes_nothing()
    {
        using var down = await S3Server.StartAsync();
        var bucket = await down.CreateBucketAsync();
        await using var app = TestApp.With(new TestAppOptions { Settings = down.Settings(bucket) });
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        down.Stop();

        using var refused = await app.ClientFor(id).PatchMultipartAsync(id, [("avatar", TestImages.Jpeg(150, 150), "me.jpg")],
            ("bio", "not without the avatar"));

        await refused.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to try again");
        Assert.Equal(before, await app.ReadUserAsync(id));
        Assert.Empty(await app.OutboxAsync());
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "The image store is not available."), await MediaCheckAsync(app));
    }

    private S3Server Server => shared.Server ?? throw new InvalidOperationException("The S3 server did not start.");

    private TestApp App(string bucket) => TestApp.With(new TestAppOptions { Settings = Server.Settings(bucket) });

    private string KeyOf(string bucket, string url)
    {
        var prefix = Server.PublicBaseUrl(bucket).ToString();
        Assert.StartsWith(prefix, url, StringComparison.Ordinal);
        return url[prefix.Length..];
    }

    /// <summary>The readiness status and what its media check says.</summary>
    private static async Task<(HttpStatusCode Status, string? Description)> MediaCheckAsync(TestApp app)
    {
        using var response = await app.Client().GetAsync(Api.Relative("/health/ready"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "media_storage");
        return (response.StatusCode, check.GetProperty("description").GetString());
    }

    /// <summary>One server for the class's tests, each with a bucket of its own; not started where the tests are skipped.</summary>
    public sealed class SharedServer : IAsyncLifetime
    {
        public S3Server? Server { get; private set; }

        public async Task InitializeAsync()
        {
            if (S3Server.WhyNot is null)
            {
                Server = await S3Server.StartAsync();
            }
        }

        public Task DisposeAsync()
        {
            Server?.Dispose();
            return Task.CompletedTask;
        }
    }
}
