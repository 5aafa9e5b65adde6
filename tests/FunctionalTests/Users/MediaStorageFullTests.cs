using System.Net;
using CleanUser.FunctionalTests.Hosting;
using CleanUser.Tests.Support;
using SkiaSharp;

namespace CleanUser.FunctionalTests.Users;

/// <summary>
/// docs/images.md#storage: a full disk under <c>Media:Root</c> is "try again later" — 503 with <c>Retry-After</c> —
/// and leaves nothing half-written: the profile as it was, no partial or temporary file. The disk is a small tmpfs
/// the test mounts and fills (<see cref="MountFactAttribute"/>: root, as in CI; skipped elsewhere, saying why).
/// </summary>
public sealed class MediaStorageFullTests
{
    [MountFact]
    public async Task An_upload_to_a_full_disk_is_503_with_retry_after_and_leaves_the_profile_and_the_disk_as_they_were()
    {
        using var volume = TmpfsVolume.Mount(1024 * 1024);
        await using var app = TestApp.With(new TestAppOptions
        {
            Settings = new Dictionary<string, string> { ["Media:Root"] = volume.Path },
        });
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        volume.Fill();
        var filled = Directory.GetFiles(volume.Path, "*", SearchOption.AllDirectories);
        Task<HttpResponseMessage> UploadAsync() =>
            app.ClientFor(id).PatchMultipartAsync(id, [("cover", Photo(1600, 900), "beach.jpg")], ("bio", "not without the cover"));

        var refused = await UploadAsync();

        await refused.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to try again");
        Assert.Equal(before, await app.ReadUserAsync(id));
        Assert.Equal(filled, Directory.GetFiles(volume.Path, "*", SearchOption.AllDirectories)); // no partial image, no temporary file
        Assert.Empty(await app.OutboxAsync());

        volume.Empty();
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync()).StatusCode); // room again: the same request goes through
    }

    private static byte[] Photo(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.Teal);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
