using System.Net;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.HttpStandards;

public class PutTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Put_without_username_is_400_required_and_changes_nothing()
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);

        var response = await app.ClientFor(id).PutAsync(id, Api.Json(new { bio = "x" }));

        await response.AssertFieldErrorsAsync(("username", "required"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Put_with_every_field_stores_every_field()
    {
        var id = await app.CreateUserAsync();
        var name = UserBuilder.UniqueName("put");

        var user = await (await app.ClientFor(id).PutAsync(id, Api.Json(new Dictionary<string, object?>
        {
            ["username"] = name, ["real_name"] = "Grace Hopper", ["bio"] = "Line one\nLine two", ["location"] = "Arlington",
            ["location_lat_lng"] = "38.88, -77.1", ["position_lat_lng"] = "-33.8688,151.2093", ["date_of_birth"] = "1906-12-09",
            ["description"] = "Admiral", ["gender"] = "female", ["website"] = "https://grace.example/", ["avatar"] = null,
            ["cover"] = null,
        }))).ReadUserAsync();

        var stored = await app.ReadUserAsync(id);
        Assert.Equal(name, stored.Username);
        Assert.Equal("Grace Hopper", stored.RealName);
        Assert.Equal("Line one\nLine two", stored.Bio);
        Assert.Equal("Arlington", stored.Location);
        Assert.Equal("38.88,-77.1", stored.LocationLatLng);
        Assert.Equal("-33.8688,151.2093", stored.PositionLatLng);
        Assert.Equal(new DateOnly(1906, 12, 9), stored.DateOfBirth);
        Assert.Equal("Admiral", stored.Description);
        Assert.Equal(Domain.Users.Gender.Female, stored.Gender);
        Assert.Equal("https://grace.example/", stored.Website);
        Assert.Equal("Female", user.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Put_takes_a_form_too()
    {
        var id = await app.CreateUserAsync();
        var name = UserBuilder.UniqueName("form");

        await (await app.ClientFor(id).PutAsync(id, new FormUrlEncodedContent(
            [new("username", name), new("location", "Turin")]))).ReadUserAsync();

        var stored = await app.ReadUserAsync(id);
        Assert.Equal((name, "Turin"), (stored.Username, stored.Location));
    }

    [Fact]
    public async Task Put_on_someone_else_is_403()
    {
        var id = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();

        var response = await app.ClientFor(id).PutAsync(other, Api.Json(new { username = "whatever" }));

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "permission_denied");
    }
}
