using System.Net;
using System.Text.Json;
using CleanUser.Domain.Users.Events;
using SkiaSharp;
using CleanUser.Tests.Support;

namespace CleanUser.IntegrationTests.Images;

/// <summary>Issue 3, acceptance 2 and 3: uploads in every accepted format and through every body type, and removal.</summary>
public class ImageUploadTests(TestApp app) : IClassFixture<TestApp>
{
    public static byte[] Source(string format, int width, int height) => format switch
    {
        "jpeg" => TestImages.Jpeg(width, height),
        "png" => TestImages.Png(width, height),
        "png-transparent" => TestImages.Png(width, height, transparent: true),
        "gif" => TestImages.Gif(width, height),
        "webp" => TestImages.Webp(width, height),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    [Theory]
    [InlineData("jpeg", 800, 600, 512, "image/jpeg")]
    [InlineData("png", 700, 500, 500, "image/jpeg")]
    [InlineData("png-transparent", 300, 200, 200, "image/png")]
    [InlineData("gif", 120, 80, 80, "image/jpeg")]
    [InlineData("webp", 1000, 700, 512, "image/jpeg")]
    public async Task Multipart_avatar_is_served_as_a_centred_square_of_at_most_512(string format, int width, int height,
        int expectedSide, string expectedType)
    {
        var id = await app.CreateUserAsync();

        var user = await Api.ReadUserAsync(await app.ClientFor(id).PatchFileAsync(id, "avatar", Source(format, width, height), "me.png"));

        var url = user.GetProperty("avatar").GetString()!;
        Assert.StartsWith("http://localhost/media/avatars/", url, StringComparison.Ordinal);
        var served = await ServedImageAsync(url, expectedType);
        using var image = TestImages.Decode(served);
        Assert.Equal((expectedSide, expectedSide), (image.Width, image.Height));
        Assert.True(TestImages.IsMarker(image.GetPixel(2, 2)), "the top-left marker is where it was");
        Assert.True(TestImages.IsBackground(image.GetPixel(image.Width - 3, image.Height - 3)));
        Assert.Equal(Api.KeyOf(url), (await app.ReadUserAsync(id)).Avatar);
    }

    [Theory]
    [InlineData("jpeg", 2400, 800, 1600, 533, "image/jpeg")]
    [InlineData("png", 1000, 400, 1000, 400, "image/jpeg")]
    [InlineData("png-transparent", 2000, 500, 1600, 400, "image/png")]
    [InlineData("gif", 200, 50, 200, 50, "image/jpeg")]
    [InlineData("webp", 3200, 1000, 1600, 500, "image/jpeg")]
    public async Task Multipart_cover_is_served_at_most_1600_wide_with_its_aspect_kept(string format, int width, int height,
        int expectedWidth, int expectedHeight, string expectedType)
    {
        var id = await app.CreateUserAsync();

        var user = await Api.ReadUserAsync(await app.ClientFor(id).PatchFileAsync(id, "cover", Source(format, width, height)));

        var url = user.GetProperty("cover").GetString()!;
        Assert.StartsWith("http://localhost/media/covers/", url, StringComparison.Ordinal);
        using var image = TestImages.Decode(await ServedImageAsync(url, expectedType));
        Assert.Equal((expectedWidth, expectedHeight), (image.Width, image.Height));
        Assert.True(TestImages.IsMarker(image.GetPixel(2, 2)));
        Assert.True(TestImages.IsBackground(image.GetPixel(image.Width - 3, image.Height - 3)));
    }

    [Fact]
    public async Task A_jpeg_carrying_gps_exif_comes_back_without_any_metadata()
    {
        var id = await app.CreateUserAsync();
        var upload = TestImages.WithExif(TestImages.Jpeg(640, 480), orientation: 1);
        Assert.Contains((byte)0xE1, TestImages.JpegMarkers(upload));

        var user = await Api.ReadUserAsync(await app.ClientFor(id).PatchFileAsync(id, "avatar", upload, "IMG_0001.JPG"));

        var served = await ServedImageAsync(user.GetProperty("avatar").GetString()!, "image/jpeg");
        var markers = TestImages.JpegMarkers(served);
        Assert.DoesNotContain((byte)0xE1, markers); // EXIF / XMP
        Assert.DoesNotContain((byte)0xE2, markers); // ICC profile
        Assert.DoesNotContain((byte)0xFE, markers); // comment
        Assert.False(TestImages.ContainsAscii(served, "Exif"));
    }

    [Fact]
    public async Task An_exif_rotated_photo_comes_back_upright()
    {
        var id = await app.CreateUserAsync();
        // Stored 400×200 with the marker top-left; orientation 6 says "turn 90° clockwise to view".
        var upload = TestImages.WithExif(TestImages.Jpeg(400, 200), orientation: 6);

        var user = await Api.ReadUserAsync(await app.ClientFor(id).PatchFileAsync(id, "cover", upload));

        using var image = TestImages.Decode(await ServedImageAsync(user.GetProperty("cover").GetString()!, "image/jpeg"));
        Assert.Equal((200, 400), (image.Width, image.Height));
        Assert.True(TestImages.IsMarker(image.GetPixel(image.Width - 3, 2)), "the stored top-left is now top-right");
        Assert.True(TestImages.IsBackground(image.GetPixel(2, 2)));
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/json", false)]
    [InlineData("application/merge-patch+json", true)]
    public async Task Avatar_base64_in_json_works_like_a_file(string mediaType, bool dataPrefix)
    {
        var id = await app.CreateUserAsync();
        var body = new Dictionary<string, string> { ["avatar_base64"] = Api.DataUrl(TestImages.Png(600, 600), dataPrefix: dataPrefix) };

        var user = await Api.ReadUserAsync(await app.ClientFor(id).PatchJsonAsync(id, body, mediaType));

        using var image = TestImages.Decode(await ServedImageAsync(user.GetProperty("avatar").GetString()!, "image/jpeg"));
        Assert.Equal((512, 512), (image.Width, image.Height));
    }

    [Fact]
    public async Task Avatar_base64_in_a_form_works_like_a_file()
    {
        var id = await app.CreateUserAsync();

        var user = await Api.ReadUserAsync(await app.ClientFor(id).PatchFormAsync(id,
            ("avatar_base64", Api.DataUrl(TestImages.Jpeg(300, 400), "image/jpeg")), ("bio", "with a face")));

        using var image = TestImages.Decode(await ServedImageAsync(user.GetProperty("avatar").GetString()!, "image/jpeg"));
        Assert.Equal((300, 300), (image.Width, image.Height));
        Assert.Equal("with a face", user.GetProperty("bio").GetString());
    }

    [Fact]
    public async Task Cover_base64_in_multipart_works_like_a_file()
    {
        var id = await app.CreateUserAsync();

        var user = await Api.ReadUserAsync(await app.ClientFor(id).PatchMultipartAsync(id, [],
            ("cover_base64", Api.DataUrl(TestImages.Webp(1800, 450), "image/webp"))));

        using var image = TestImages.Decode(await ServedImageAsync(user.GetProperty("cover").GetString()!, "image/jpeg"));
        Assert.Equal((1600, 400), (image.Width, image.Height));
    }

    [Fact]
    public async Task Empty_cover_in_multipart_removes_the_cover_and_its_file_after_commit()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var key = Api.KeyOf(await client.UploadAsync(id, "cover", TestImages.Jpeg(900, 300)));
        Assert.True(File.Exists(app.Folder.MediaPath(key)));

        var user = await Api.ReadUserAsync(await client.PatchMultipartAsync(id, [], ("cover", "")));

        Assert.Equal(JsonValueKind.Null, user.GetProperty("cover").ValueKind);
        Assert.Null((await app.ReadUserAsync(id)).Cover);
        await Eventually.TrueAsync(() => !File.Exists(app.Folder.MediaPath(key)), "the removed cover's file is deleted");
    }

    [Fact]
    public async Task Null_avatar_in_json_removes_the_avatar_and_its_file_after_commit()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var key = Api.KeyOf(await client.UploadAsync(id, "avatar", TestImages.Gif(64, 64)));

        var user = await Api.ReadUserAsync(await client.PatchJsonAsync(id, new Dictionary<string, object?> { ["avatar"] = null }));

        Assert.Equal(JsonValueKind.Null, user.GetProperty("avatar").ValueKind);
        await Eventually.TrueAsync(() => !File.Exists(app.Folder.MediaPath(key)), "the removed avatar's file is deleted");
    }

    [Fact]
    public async Task A_file_input_left_empty_leaves_the_image_alone_while_an_empty_text_part_removes()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var avatar = (await Api.ReadUserAsync(await client.PatchMultipartAsync(id,
            [("avatar", TestImages.Jpeg(110, 110), "a.jpg"), ("cover", TestImages.Jpeg(400, 100), "c.jpg")])))
            .GetProperty("avatar").GetString();

        // What a browser sends for <input type=file name=avatar> with no file chosen: filename="" and no bytes.
        const string body = "--b0und4ry\r\n" +
                            "Content-Disposition: form-data; name=\"avatar\"; filename=\"\"\r\n" +
                            "Content-Type: application/octet-stream\r\n\r\n\r\n" +
                            "--b0und4ry\r\n" +
                            "Content-Disposition: form-data; name=\"cover\"\r\n\r\n\r\n" +
                            "--b0und4ry\r\n" +
                            "Content-Disposition: form-data; name=\"bio\"\r\n\r\nForm posted\r\n" +
                            "--b0und4ry--\r\n";
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b0und4ry");
        var user = await Api.ReadUserAsync(await client.PatchAsync(id, content));

        Assert.Equal(avatar, user.GetProperty("avatar").GetString());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("cover").ValueKind);
        Assert.Equal("Form posted", user.GetProperty("bio").GetString());
    }

    [Fact]
    public async Task A_multipart_body_cut_short_is_a_parse_error()
    {
        var id = await app.CreateUserAsync();
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(
            "--b0und4ry\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.jpg\"\r\n\r\n\xFF\xD8\xFF"));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b0und4ry");

        var response = await app.ClientFor(id).PatchAsync(id, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"parse_error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_back_the_current_url_beside_a_new_base64_image_takes_the_new_image()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var first = await client.UploadAsync(id, "avatar", TestImages.Jpeg(100, 100));

        var user = await Api.ReadUserAsync(await client.PatchJsonAsync(id, new Dictionary<string, string>
        {
            ["avatar"] = first, ["avatar_base64"] = Api.DataUrl(TestImages.Png(120, 120)),
        }));

        Assert.NotEqual(first, user.GetProperty("avatar").GetString());
    }

    [Fact]
    public async Task Text_fields_and_images_in_one_multipart_request_change_together()
    {
        var id = await app.CreateUserAsync();

        var user = await Api.ReadUserAsync(await app.ClientFor(id).PatchMultipartAsync(id,
            [("avatar", TestImages.Jpeg(200, 200), "a.jpg"), ("cover", TestImages.Png(800, 200), "c.png")],
            ("bio", "All at once"), ("location", "Milano")));

        var stored = await app.ReadUserAsync(id);
        Assert.Equal(("All at once", "Milano"), (stored.Bio, stored.Location));
        Assert.Equal(Api.KeyOf(user.GetProperty("avatar").GetString()!), stored.Avatar);
        Assert.Equal(Api.KeyOf(user.GetProperty("cover").GetString()!), stored.Cover);
    }

    [Fact]
    public async Task A_bad_text_field_beside_a_good_image_changes_nothing_and_stores_nothing()
    {
        var id = await app.CreateUserAsync();
        var before = app.Folder.MediaFiles();
        var unique = TestImages.Jpeg(211, 199); // a picture no other test uploads

        var response = await app.ClientFor(id).PatchMultipartAsync(id, [("avatar", unique, "a.jpg")],
            ("bio", "fine"), ("website", "not a url"));

        await response.AssertFieldErrorsAsync(("website", "invalid"));
        var stored = await app.ReadUserAsync(id);
        Assert.Equal((string.Empty, (string?)null), (stored.Bio, stored.Avatar));
        Assert.Empty(app.Folder.MediaFiles().Except(before));
    }

    [Fact]
    public async Task The_same_image_again_keeps_the_same_url_and_raises_no_event()
    {
        var id = await app.CreateUserAsync();
        var client = app.ClientFor(id);
        var picture = TestImages.Jpeg(333, 222);

        var first = await client.UploadAsync(id, "avatar", picture);
        var second = await client.UploadAsync(id, "avatar", picture);

        Assert.Equal(first, second);
        var events = (await app.OutboxAsync()).Where(m => m.Type == typeof(UserAvatarChanged).FullName &&
                                                             m.Payload.Contains($"\"UserId\":{id},", StringComparison.Ordinal));
        Assert.Single(events);
        Assert.True(File.Exists(app.Folder.MediaPath(Api.KeyOf(first))));
    }

    private async Task<byte[]> ServedImageAsync(string url, string expectedType)
    {
        var response = await app.CreateClient().GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedType, response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
