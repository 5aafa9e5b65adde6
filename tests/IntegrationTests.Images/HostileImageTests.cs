using System.Net;
using System.Text;
using CleanUser.Tests.Support;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// Issue 3, acceptance 4: every hostile input is a 400 naming the field and the code, and nothing changes —
/// neither the user row nor the stored files.
/// </summary>
public class HostileImageTests(TestApp app) : IClassFixture<TestApp>
{
    public static TheoryData<string, string, string> Uploads => new()
    {
        { "svg", "avatar", "invalid_image" },
        { "html-named-png", "avatar", "invalid_image" },
        { "truncated-jpeg", "avatar", "invalid_image" },
        { "random-bytes", "cover", "invalid_image" },
        { "png-header-on-garbage", "cover", "invalid_image" },
        { "empty-file", "avatar", "invalid_image" },
        { "bomb-png", "avatar", "image_too_large" },
        { "tall-bomb-png", "cover", "image_too_large" },
        { "oversized-avatar", "avatar", "file_too_large" },
        { "oversized-cover", "cover", "file_too_large" },
    };

    public static byte[] Hostile(string name) => name switch
    {
        "svg" => Encoding.UTF8.GetBytes("""<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"""),
        "html-named-png" => Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"),
        "truncated-jpeg" => TestImages.Jpeg(640, 480)[..1500],
        "random-bytes" => RandomBytes(4096),
        "png-header-on-garbage" => [.. TestImages.PngSignature, .. RandomBytes(2048)],
        "empty-file" => [],
        "bomb-png" => TestImages.BombPng(20_000, 20_000),
        "tall-bomb-png" => TestImages.BombPng(100, 10_001),
        // Valid JPEG bytes at the start: only the size can refuse these.
        "oversized-avatar" => Padded(TestImages.Jpeg(64, 64), 3 * 1024 * 1024 + 1),
        "oversized-cover" => Padded(TestImages.Jpeg(64, 64), 5 * 1024 * 1024 + 1),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Uploads))]
    public async Task A_hostile_file_is_refused_with_field_and_code_and_nothing_changes(string name, string field, string code)
    {
        var (id, before, files) = await UserWithImagesAsync();

        var response = await app.ClientFor(id).PatchMultipartAsync(id, [(field, Hostile(name), "picture.png")],
            ("bio", "should not be saved"));

        await response.AssertFieldErrorsAsync((field, code));
        await AssertUnchangedAsync(id, before, files);
    }

    [Theory]
    [InlineData("image/png;base64,@@@ not base64 @@@")]
    [InlineData("data:image/png;base64,")]
    [InlineData("data:image/png,iVBORw0KGgo=")] // no ;base64
    [InlineData("data:image/png;base64,iVBORw0KGgo")] // bad padding
    public async Task Base64_that_is_not_base64_is_refused_as_invalid_image_and_nothing_changes(string text)
    {
        var (id, before, files) = await UserWithImagesAsync();

        var response = await app.ClientFor(id).PatchJsonAsync(id,
            new Dictionary<string, string> { ["avatar_base64"] = text, ["bio"] = "should not be saved" });

        await response.AssertFieldErrorsAsync(("avatar_base64", "invalid_image"));
        await AssertUnchangedAsync(id, before, files);
    }

    [Fact]
    public async Task Base64_of_hostile_bytes_is_refused_like_the_file()
    {
        var (id, before, files) = await UserWithImagesAsync();

        var response = await app.ClientFor(id).PatchFormAsync(id,
            ("cover_base64", Api.DataUrl(Hostile("bomb-png"))), ("avatar_base64", Api.DataUrl(Hostile("svg"), "image/svg+xml")));

        await response.AssertFieldErrorsAsync(("avatar_base64", "invalid_image"), ("cover_base64", "image_too_large"));
        await AssertUnchangedAsync(id, before, files);
    }

    [Fact]
    public async Task A_bad_avatar_and_a_bad_cover_are_reported_together_with_the_text_errors()
    {
        var (id, before, files) = await UserWithImagesAsync();

        var response = await app.ClientFor(id).PatchMultipartAsync(id,
            [("avatar", Hostile("random-bytes"), "a.jpg"), ("cover", Hostile("oversized-cover"), "c.jpg")], ("gender", "robot"));

        await response.AssertFieldErrorsAsync(("gender", "invalid_choice"), ("avatar", "invalid_image"), ("cover", "file_too_large"));
        await AssertUnchangedAsync(id, before, files);
    }

    [Fact]
    public async Task A_file_and_base64_for_the_same_image_are_refused_as_ambiguous()
    {
        var (id, before, files) = await UserWithImagesAsync();

        var response = await app.ClientFor(id).PatchMultipartAsync(id, [("avatar", TestImages.Jpeg(50, 50), "a.jpg")],
            ("avatar_base64", Api.DataUrl(TestImages.Png(40, 40))));

        await response.AssertFieldErrorsAsync(("avatar_base64", "invalid"));
        await AssertUnchangedAsync(id, before, files);
    }

    [Fact]
    public async Task A_text_avatar_that_is_not_the_current_url_is_refused_in_json()
    {
        var (id, before, files) = await UserWithImagesAsync();

        var response = await app.ClientFor(id).PatchJsonAsync(id,
            new Dictionary<string, string> { ["avatar"] = "https://evil.example/x.png" });

        await response.AssertFieldErrorsAsync(("avatar", "invalid"));
        await AssertUnchangedAsync(id, before, files);
    }

    /// <summary>A user who already has an avatar and a cover, the stored row, and the files in storage.</summary>
    private async Task<(long Id, UserSnapshot Before, SortedSet<string> Files)> UserWithImagesAsync()
    {
        var id = await app.CreateUserAsync();
        await Api.ReadUserAsync(await app.ClientFor(id).PatchMultipartAsync(id,
            [("avatar", TestImages.Jpeg(90, 90), "a.jpg"), ("cover", TestImages.Png(300, 100), "c.png")]));
        return (id, await app.ReadUserAsync(id), app.Folder.MediaFiles());
    }

    private async Task AssertUnchangedAsync(long id, UserSnapshot before, SortedSet<string> files)
    {
        var after = await app.ReadUserAsync(id);
        Assert.Equal(before, after);
        Assert.NotNull(after.Avatar);
        Assert.True(File.Exists(app.Folder.MediaPath(after.Avatar)));
        // Other tests of this class run one after another, so any new file would be this request's.
        Assert.Equal(files, app.Folder.MediaFiles());
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Padded(byte[] start, int length)
    {
        var bytes = new byte[length];
        start.CopyTo(bytes, 0);
        return bytes;
    }
}
