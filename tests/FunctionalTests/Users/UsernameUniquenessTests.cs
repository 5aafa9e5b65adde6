using System.Net;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Users;

/// <summary>
/// Usernames are unique case-insensitively, also under concurrency (never a 500); concurrent PATCHes of different
/// fields all persist.
/// </summary>
public sealed class UsernameUniquenessTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_name_taken_in_another_case_returns_400_unique()
    {
        var taken = UserBuilder.UniqueName("alice");
        await app.CreateUserAsync(new UserBuilder().Named(taken));
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = taken.ToUpperInvariant() });

        await response.AssertFieldErrorsAsync(("username", "unique"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_name_taken_with_the_same_spelling_returns_400_unique()
    {
        var taken = UserBuilder.UniqueName("bob");
        await app.CreateUserAsync(new UserBuilder().Named(taken));
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = $"  {taken}  " });

        await response.AssertFieldErrorsAsync(("username", "unique"));
    }

    [Fact]
    public async Task Renaming_yourself_to_another_case_of_your_own_name_is_stored()
    {
        var name = UserBuilder.UniqueName("alice");
        var id = await app.CreateUserAsync(new UserBuilder().Named(name));
        var before = await app.ReadUserAsync(id);
        var recased = "A" + name[1..];
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = recased });

        Assert.Equal(recased, (await response.ReadUserAsync()).GetProperty("username").GetString());
        Assert.Equal(before.Written() with { Username = recased }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Sending_your_own_username_changes_nothing()
    {
        var name = UserBuilder.UniqueName();
        var id = await app.CreateUserAsync(new UserBuilder().Named(name));
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = name });

        await response.ReadUserAsync();
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Twenty_users_racing_for_one_free_name_give_exactly_one_winner_and_no_5xx()
    {
        var ids = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await app.CreateUserAsync());
        }

        var wanted = UserBuilder.UniqueName("prize");
        using var client = app.CreateClient();
        var responses = await Task.WhenAll(ids.Select(async id =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, Api.UserPath(id)) { Content = Api.Json(new { username = wanted }) };
            request.Headers.Authorization = new("Bearer", app.TokenFor(id));
            var response = await client.SendAsync(request);
            return (Id: id, Response: response, Body: await response.Content.ReadAsStringAsync());
        }));

        try
        {
            Assert.All(responses, r => Assert.True((int)r.Response.StatusCode < 500, r.Body));
            var winner = Assert.Single(responses, r => r.Response.StatusCode == HttpStatusCode.OK);
            var losers = responses.Where(r => r.Id != winner.Id).ToList();
            Assert.Equal(19, losers.Count);
            foreach (var loser in losers)
            {
                await loser.Response.AssertFieldErrorsAsync(("username", "unique"));
                Assert.NotEqual(wanted, (await app.ReadUserAsync(loser.Id)).Username);
            }

            Assert.Equal(wanted, (await app.ReadUserAsync(winner.Id)).Username);
        }
        finally
        {
            foreach (var r in responses)
            {
                r.Response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Concurrent_patches_of_different_fields_by_one_user_all_persist()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        var username = UserBuilder.UniqueName("many");
        var changes = new Dictionary<string, string>
        {
            ["username"] = username, ["real_name"] = "Concurrent", ["bio"] = "concurrent bio", ["location"] = "Napoli",
            ["location_lat_lng"] = "1,2", ["position_lat_lng"] = "3,4", ["date_of_birth"] = "2001-02-03",
            ["description"] = "racing", ["gender"] = "Male", ["website"] = "https://example.net/",
        };
        using var client = app.ClientFor(id);

        var responses = await Task.WhenAll(changes.Select(async change =>
        {
            using var response = await client.PatchJsonAsync(id, new Dictionary<string, string> { [change.Key] = change.Value });
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.True(r.Item1 == 200, r.Item2));
        var after = await app.ReadUserAsync(id);
        Assert.NotNull(after.UsernameChangedAt);
        Assert.Equal(before with
        {
            Username = username, UsernameChangedAt = after.UsernameChangedAt, RealName = "Concurrent", Bio = "concurrent bio", Location = "Napoli", LocationLatLng = "1,2",
            PositionLatLng = "3,4", DateOfBirth = new DateOnly(2001, 2, 3), Description = "racing",
            Gender = CleanUser.Domain.Users.Gender.Male, Website = "https://example.net/", Version = before.Version + changes.Count,
        }, after);
    }
}
