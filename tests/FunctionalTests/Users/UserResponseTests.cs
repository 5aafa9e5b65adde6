using System.Net;
using System.Globalization;
using System.Text.Json;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Users;

/// <summary>A response is the whole user: every key, in the order the existing clients expect, with their JSON types.</summary>
public sealed class UserResponseTests(TestApp app) : IClassFixture<TestApp>
{
    private static readonly string[] UserKeys =
    [
        "id", "username", "real_name", "avatar", "ext_id", "followings_counter", "followers_counter", "posts_counter",
        "discussions_counter", "polls_counter", "connection_status", "categories_counter", "date_joined", "bio",
        "location", "location_lat_lng", "position_lat_lng", "date_of_birth", "description", "gender", "website", "cover",
        "tags", "reputation", "community_badge", "reg_approved", "deleted", "company_name", "company_role",
    ];

    private static readonly string[] TagKeys =
        ["id", "active", "name", "type", "description", "color", "visible", "visibility_boost", "created_at", "deleted"];

    [Fact]
    public async Task Patch_response_of_a_full_profile_has_every_key_in_order_with_the_right_types()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile().WithExtId("ext-42"));
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { bio = "shape check" });

        var user = await response.ReadUserAsync();
        var stored = await app.ReadUserAsync(id);
        AssertUserShape(user);
        Assert.Equal(id, user.GetProperty("id").GetInt64());
        Assert.Equal(stored.Username, user.GetProperty("username").GetString());
        Assert.Equal("ext-42", user.GetProperty("ext_id").GetString());
        Assert.Equal("http://localhost/media/" + UserBuilder.Full.Avatar, user.GetProperty("avatar").GetString());
        Assert.Equal("http://localhost/media/covers/current.jpg", user.GetProperty("cover").GetString());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("connection_status").ValueKind);
        Assert.Equal("1990-05-17", user.GetProperty("date_of_birth").GetString());
        Assert.Equal("45.4642,9.19", user.GetProperty("location_lat_lng").GetString());
        Assert.Equal("Female", user.GetProperty("gender").GetString());
        Assert.Equal([1, 2, 3, 4, 5, 6, 77], new[]
        {
            "followings_counter", "followers_counter", "posts_counter", "discussions_counter", "polls_counter",
            "categories_counter", "reputation",
        }.Select(k => user.GetProperty(k).GetInt32()));
        Assert.True(user.GetProperty("community_badge").GetBoolean());
        Assert.True(user.GetProperty("reg_approved").GetBoolean());
        Assert.False(user.GetProperty("deleted").GetBoolean());
        Assert.Equal("CleanUser", user.GetProperty("company_name").GetString());
        Assert.Equal(stored.DateJoined, DateTimeOffset.Parse(user.GetProperty("date_joined").GetString()!, CultureInfo.InvariantCulture));

        var tags = user.GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal(2, tags.Count);
        Assert.Equal(stored.TagIds, string.Join(",", tags.Select(t => t.GetProperty("id").GetInt64())));
        foreach (var tag in tags)
        {
            AssertTagShape(tag);
        }

        Assert.True(tags[0].GetProperty("visibility_boost").GetBoolean());
        Assert.False(tags[1].GetProperty("visible").GetBoolean());
    }

    [Fact]
    public async Task A_bare_profile_has_the_same_keys_with_nulls_and_defaults()
    {
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        using var response = await client.GetAsync(Api.Relative("/api/v2/user/me/"));

        var user = await response.ReadUserAsync();
        AssertUserShape(user);
        foreach (var key in new[] { "avatar", "ext_id", "connection_status", "location_lat_lng", "position_lat_lng", "date_of_birth", "cover" })
        {
            Assert.Equal(JsonValueKind.Null, user.GetProperty(key).ValueKind);
        }

        Assert.Equal("Unspecified", user.GetProperty("gender").GetString());
        Assert.Equal("", user.GetProperty("bio").GetString());
        Assert.Equal("", user.GetProperty("website").GetString());
        Assert.Empty(user.GetProperty("tags").EnumerateArray());
    }

    [Fact]
    public async Task Public_get_has_the_same_shape_and_an_etag()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var anonymous = app.CreateClient();

        using var response = await anonymous.GetUserAsync(id);

        AssertUserShape(await response.ReadUserAsync());
        Assert.NotNull(response.Headers.ETag);
    }

    /// <summary>
    /// A read is built straight from the stored columns, a command's answer from the aggregate it saved: byte for byte
    /// the same body, and the same entity tag.
    /// </summary>
    [Fact]
    public async Task A_read_answers_the_same_body_and_etag_as_the_write_before_it()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile().WithExtId("ext-42"));
        using var client = app.ClientFor(id);

        using var written = await client.PatchJsonAsync(id, new { bio = "read back", position_lat_lng = "-33.8688,151.2093" });
        using var read = await client.GetUserAsync(id);
        using var me = await client.GetAsync(Api.Relative("/api/v2/user/me/"));

        var body = await written.Content.ReadAsStringAsync();
        Assert.Equal(body, await read.Content.ReadAsStringAsync());
        Assert.Equal(body, await me.Content.ReadAsStringAsync());
        Assert.Equal(written.Headers.ETag, read.Headers.ETag);
        Assert.Equal(2, (await read.ReadUserAsync()).GetProperty("tags").GetArrayLength());
    }

    /// <summary>
    /// Reads one after the other run on the same kept-open connection with its statement prepared (on SQLite): each
    /// still sees the write committed just before it, never the state an earlier read saw.
    /// </summary>
    [Fact]
    public async Task Each_read_sees_the_write_before_it()
    {
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        foreach (var round in Enumerable.Range(1, 3))
        {
            using var before = await client.GetUserAsync(id);
            using var written = await client.PatchJsonAsync(id, new { bio = $"round {round}" });
            using var read = await client.GetUserAsync(id);

            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
            Assert.Equal($"round {round}", (await read.ReadUserAsync()).GetProperty("bio").GetString());
            Assert.Equal(written.Headers.ETag, read.Headers.ETag);
            Assert.NotEqual(before.Headers.ETag, read.Headers.ETag);
        }
    }

    /// <summary>
    /// A read inside a running unit of work (in process, as a module's handler would) runs in the unit's transaction,
    /// on the unit's connection: it sees what the unit has saved so far, on either database, and does not fail for
    /// want of the transaction (SQLite refuses a command without it on a connection that has one pending).
    /// </summary>
    [Fact]
    public async Task A_read_inside_a_unit_of_work_sees_what_the_unit_has_saved()
    {
        var id = await app.CreateUserAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var unitOfWork = services.GetRequiredService<IUnitOfWork>();

        var seen = await unitOfWork.ExecuteInTransactionAsync(async cancellationToken =>
        {
            var user = (await services.GetRequiredService<IUserRepository>().GetByIdAsync(id, cancellationToken))!;
            user.JoinCompany("Inside", "reader");
            await unitOfWork.SaveChangesAsync(cancellationToken);
            return await services.GetRequiredService<IUserReader>().ReadAsync(id, cancellationToken);
        }, CancellationToken.None);

        Assert.Equal(("Inside", "reader"), (seen!.CompanyName, seen.CompanyRole));
    }

    private static void AssertUserShape(JsonElement user)
    {
        Assert.Equal(UserKeys, user.EnumerateObject().Select(p => p.Name));
        AssertKind(user, "id", JsonValueKind.Number);
        AssertKind(user, "username", JsonValueKind.String);
        AssertKind(user, "real_name", JsonValueKind.String);
        AssertKind(user, "avatar", JsonValueKind.String, JsonValueKind.Null);
        AssertKind(user, "ext_id", JsonValueKind.String, JsonValueKind.Null);
        foreach (var counter in new[]
                 {
                     "followings_counter", "followers_counter", "posts_counter", "discussions_counter", "polls_counter",
                     "categories_counter", "reputation",
                 })
        {
            AssertKind(user, counter, JsonValueKind.Number);
        }

        AssertKind(user, "connection_status", JsonValueKind.Null);
        AssertUtcTimestamp(user.GetProperty("date_joined"));
        foreach (var text in new[] { "bio", "location", "description", "gender", "website", "company_name", "company_role" })
        {
            AssertKind(user, text, JsonValueKind.String);
        }

        AssertKind(user, "location_lat_lng", JsonValueKind.String, JsonValueKind.Null);
        AssertKind(user, "position_lat_lng", JsonValueKind.String, JsonValueKind.Null);
        AssertKind(user, "date_of_birth", JsonValueKind.String, JsonValueKind.Null);
        if (user.GetProperty("date_of_birth").ValueKind == JsonValueKind.String)
        {
            Assert.True(DateOnly.TryParseExact(user.GetProperty("date_of_birth").GetString(), "yyyy-MM-dd",
                CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        }

        AssertKind(user, "cover", JsonValueKind.String, JsonValueKind.Null);
        AssertKind(user, "tags", JsonValueKind.Array);
        AssertKind(user, "community_badge", JsonValueKind.True, JsonValueKind.False);
        AssertKind(user, "reg_approved", JsonValueKind.True, JsonValueKind.False);
        AssertKind(user, "deleted", JsonValueKind.True, JsonValueKind.False);
    }

    private static void AssertTagShape(JsonElement tag)
    {
        Assert.Equal(TagKeys, tag.EnumerateObject().Select(p => p.Name));
        AssertKind(tag, "id", JsonValueKind.Number);
        foreach (var flag in new[] { "active", "visible", "visibility_boost", "deleted" })
        {
            AssertKind(tag, flag, JsonValueKind.True, JsonValueKind.False);
        }

        foreach (var text in new[] { "name", "type", "description", "color" })
        {
            AssertKind(tag, text, JsonValueKind.String);
        }

        AssertUtcTimestamp(tag.GetProperty("created_at"));
    }

    private static void AssertKind(JsonElement element, string key, params JsonValueKind[] allowed) =>
        Assert.True(allowed.Contains(element.GetProperty(key).ValueKind),
            $"{key} is {element.GetProperty(key).ValueKind}, expected one of {string.Join(", ", allowed)}");

    private static void AssertUtcTimestamp(JsonElement value)
    {
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        var text = value.GetString()!;
        Assert.EndsWith("Z", text, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed), text);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
    }
}
