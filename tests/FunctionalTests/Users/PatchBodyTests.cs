using System.Net;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Users;

/// <summary>Every accepted content type changes exactly the keys present; everything else is left alone.</summary>
public sealed class PatchBodyTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Json_changes_only_the_fields_sent()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchAsync(id, Api.Raw("""{"bio": "New bio", "location": "Roma"}""", "application/json"));

        var body = await response.ReadUserAsync();
        Assert.Equal("New bio", body.GetProperty("bio").GetString());
        Assert.Equal("Roma", body.GetProperty("location").GetString());
        Assert.Equal(before.Written() with { Bio = "New bio", Location = "Roma" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Json_with_charset_utf8_is_accepted_and_keeps_non_ascii_text()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchAsync(id, Api.Raw("""{"real_name": "Nicolò Città 🌍"}""", "application/json; charset=utf-8"));

        Assert.Equal("Nicolò Città 🌍", (await response.ReadUserAsync()).GetProperty("real_name").GetString());
        Assert.Equal(before.Written() with { RealName = "Nicolò Città 🌍" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Merge_patch_changes_only_the_fields_sent_and_null_removes()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchAsync(id, Api.Raw(
            """{"description": "Merged", "location_lat_lng": null, "website": null, "real_name": null}""",
            "application/merge-patch+json"));

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { Description = "Merged", LocationLatLng = null, Website = "", RealName = "" },
            await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Json_null_resets_each_field_to_its_default()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { bio = (string?)null, gender = (string?)null, date_of_birth = (string?)null });

        var body = await response.ReadUserAsync();
        Assert.Equal("", body.GetProperty("bio").GetString());
        Assert.Equal("Unspecified", body.GetProperty("gender").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("date_of_birth").ValueKind);
        Assert.Equal(before.Written() with { Bio = "", Gender = Gender.Unspecified, DateOfBirth = null }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Form_urlencoded_changes_only_the_fields_sent()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["real_name"] = "Form Name",
            ["position_lat_lng"] = "10.5,-20.25",
        });

        using var response = await client.PatchAsync(id, form);

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { RealName = "Form Name", PositionLatLng = "10.5,-20.25" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Multipart_text_parts_change_only_the_fields_sent()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Multipart bio\nsecond line"), "bio" },
            { new StringContent("male"), "gender" },
            { new StringContent("1985-12-01"), "date_of_birth" },
        };

        using var response = await client.PatchAsync(id, form);

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { Bio = "Multipart bio\nsecond line", Gender = Gender.Male, DateOfBirth = new DateOnly(1985, 12, 1) },
            await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Form_decodes_plus_and_percent_escapes_as_utf8()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchAsync(id, Api.Raw(
            "bio=a+b%2Bc%26d%3De&real_name=Nicol%C3%B2+%F0%9F%8C%8D&location", "application/x-www-form-urlencoded"));

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { Bio = "a b+c&d=e", RealName = "Nicolò 🌍", Location = "" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Multipart_keeps_non_ascii_text_and_drops_a_byte_order_mark()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Nicolò Città 🌍"), "real_name" },
            { new ByteArrayContent([0xEF, 0xBB, 0xBF, .. "Milano"u8.ToArray()]), "location" },
        };

        using var response = await client.PatchAsync(id, form);

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { RealName = "Nicolò Città 🌍", Location = "Milano" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Read_only_and_unknown_json_keys_are_ignored()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new Dictionary<string, object?>
        {
            ["id"] = id + 1000,
            ["reputation"] = 999999,
            ["followers_counter"] = 12345,
            ["followings_counter"] = 54321,
            ["date_joined"] = "2001-01-01T00:00:00Z",
            ["tags"] = new[] { new { id = 1, name = "forged" } },
            ["deleted"] = true,
            ["community_badge"] = false,
            ["reg_approved"] = false,
            ["company_name"] = "Evil Corp",
            ["company_role"] = "Owner",
            ["ext_id"] = "forged-ext",
            ["connection_status"] = "connected",
            ["nope"] = "nothing",
            ["bio"] = "Only this changes",
        });

        var body = await response.ReadUserAsync();
        Assert.Equal(id, body.GetProperty("id").GetInt64());
        Assert.Equal(77, body.GetProperty("reputation").GetInt32());
        Assert.Equal(before.Written() with { Bio = "Only this changes" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Read_only_and_unknown_form_keys_are_ignored()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = "1", ["reputation"] = "5", ["deleted"] = "true", ["company_name"] = "Evil", ["ext_id"] = "x",
            ["nope"] = "y", ["location"] = "Torino",
        });

        using var response = await client.PatchAsync(id, form);

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { Location = "Torino" }, await app.ReadUserAsync(id));
    }

    public static TheoryData<string> NoOpBodies => ["none", "empty json body", "json {}", "merge-patch {}", "empty form", "empty multipart body"];

    [Theory]
    [MemberData(nameof(NoOpBodies))]
    public async Task An_empty_body_returns_200_with_the_unchanged_user_and_an_etag(string kind)
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        using var get = await client.GetUserAsync(id);
        var expected = await get.ReadUserAsync();
        using HttpContent? content = kind switch
        {
            "none" => null,
            "empty json body" => Api.Raw("", "application/json"),
            "json {}" => Api.Raw("{}", "application/json"),
            "merge-patch {}" => Api.Raw("{}", "application/merge-patch+json"),
            "empty form" => new FormUrlEncodedContent([]),
            _ => Api.Raw("", "multipart/form-data; boundary=empty"),
        };

        using var response = await client.PatchAsync(id, content);

        Assert.Equal(expected.GetRawText(), (await response.ReadUserAsync()).GetRawText());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(get.Headers.ETag, response.Headers.ETag);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_real_change_moves_the_etag()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var client = app.ClientFor(id);
        using var first = await client.PatchJsonAsync(id, new { bio = "one" });
        using var second = await client.PatchJsonAsync(id, new { bio = "two" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task Avatar_sent_back_as_its_current_url_changes_nothing()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        using var get = await client.GetUserAsync(id);
        var current = await get.ReadUserAsync();
        var avatarUrl = current.GetProperty("avatar").GetString()!;
        Assert.EndsWith("/media/" + UserBuilder.Full.Avatar, avatarUrl, StringComparison.Ordinal);

        // Clients send back the whole object they read: that must be a no-op.
        using var response = await client.PatchAsync(id, Api.Raw(current.GetRawText(), "application/json"));

        Assert.Equal(current.GetRawText(), (await response.ReadUserAsync()).GetRawText());
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Avatar_null_and_cover_empty_remove_the_images()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { avatar = (string?)null, cover = "" });

        var body = await response.ReadUserAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("avatar").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("cover").ValueKind);
        Assert.Equal(before.Written() with { Avatar = null, Cover = null }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Form_value_sent_twice_takes_the_last_one()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchAsync(id, Api.Raw("location=First&location=Last", "application/x-www-form-urlencoded"));

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { Location = "Last" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Text_is_trimmed_and_coordinates_are_stored_normalised()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { location = "  Roma  ", location_lat_lng = "45.46420, 9.190", website = "  https://example.org/x  " });

        var body = await response.ReadUserAsync();
        Assert.Equal("45.4642,9.19", body.GetProperty("location_lat_lng").GetString());
        Assert.Equal(before.Written() with { Location = "Roma", LocationLatLng = "45.4642,9.19", Website = "https://example.org/x" },
            await app.ReadUserAsync(id));
    }
}
