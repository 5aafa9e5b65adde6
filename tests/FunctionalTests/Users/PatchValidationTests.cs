using CleanUser.Tests.Support;
using System.Net;
using CleanUser.Domain.Users;

namespace CleanUser.FunctionalTests.Users;

/// <summary>The rule of each writable field and the shape of the error body; a refused request changes nothing.</summary>
public sealed class PatchValidationTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Emoji = "😀"; // one code point, two UTF-16 units

    private static readonly string Tomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<string, string?, string> Violations => new()
    {
        { "username", null, "null" },
        { "username", "", "blank" },
        { "username", "   ", "blank" },
        { "username", "has space", "invalid" },
        { "username", "dot.name", "invalid" },
        { "username", "perché", "invalid" },
        { "username", new string('a', 256), "max_length" },
        { "username", "admin", "reserved" },
        { "username", "ME", "reserved" },
        { "username", "Moderator", "reserved" },
        { "username", "a\0b", "null_characters_not_allowed" },
        { "real_name", new string('r', 256), "max_length" },
        { "real_name", "bell\u0007name", "invalid" },
        { "real_name", "two\nlines", "invalid" },
        { "real_name", "nul\0name", "null_characters_not_allowed" },
        { "bio", new string('b', 5001), "max_length" },
        { "bio", "nul\0bio", "null_characters_not_allowed" },
        { "location", new string('l', 101), "max_length" },
        { "location", "tab\there", "invalid" },
        { "location_lat_lng", "91,0", "invalid" },
        { "location_lat_lng", "0,181", "invalid" },
        { "location_lat_lng", "45.4642", "invalid" },
        { "location_lat_lng", "north,east", "invalid" },
        { "position_lat_lng", "1,2,3", "invalid" },
        { "position_lat_lng", "-90.5,0", "invalid" },
        { "date_of_birth", "17/05/1990", "invalid" },
        { "date_of_birth", "1990-5-17", "invalid" },
        { "date_of_birth", "2021-02-30", "invalid" },
        { "date_of_birth", "2999-01-01", "invalid" },
        { "date_of_birth", Tomorrow, "invalid" },
        { "date_of_birth", "1899-12-31", "invalid" },
        { "description", new string('d', 51), "max_length" },
        { "description", string.Concat(Enumerable.Repeat(Emoji, 51)), "max_length" },
        { "description", "ctrl\u0001char", "invalid" },
        { "gender", "robot", "invalid_choice" },
        { "gender", "", "invalid_choice" },
        { "gender", "1", "invalid_choice" },
        { "gender", "Male,Female", "invalid_choice" },
        { "website", "not a url", "invalid" },
        { "website", "example.com", "invalid" },
        { "website", "ftp://example.com/file", "invalid" },
        { "website", "javascript:alert(1)", "invalid" },
        { "website", "https://", "invalid" },
        { "website", "https://example.com/" + new string('w', 181), "max_length" },
        { "avatar", "https://elsewhere.example/avatar.png", "invalid" },
        { "cover", "https://elsewhere.example/cover.png", "invalid" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task A_broken_field_rule_returns_400_with_its_field_and_code_and_changes_nothing(string field, string? value, string code)
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new Dictionary<string, string?> { [field] = value });

        await response.AssertFieldErrorsAsync((field, code));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task The_error_body_has_the_problem_members_and_the_anchor_errors_shape()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = "admin" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Invalid input.", problem.GetProperty("title").GetString());
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(["field", "messages"], error.EnumerateObject().Select(p => p.Name));
        var message = Assert.Single(error.GetProperty("messages").EnumerateArray());
        Assert.Equal(["code", "message"], message.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("reserved", message.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Form_bodies_follow_the_same_rules()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "root", ["location"] = new string('l', 101) });

        using var response = await client.PatchAsync(id, form);

        await response.AssertFieldErrorsAsync(("username", "reserved"), ("location", "max_length"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_good_value_does_not_slip_through_when_another_field_is_refused()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { bio = "would be fine", avatar = "https://elsewhere.example/a.png" });

        await response.AssertFieldErrorsAsync(("avatar", "invalid"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    public static TheoryData<string> WrongTypes => ["""{"bio": 5}""", """{"gender": true}""", """{"username": ["a"]}""", """{"date_of_birth": {}}"""];

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task A_value_of_the_wrong_json_type_returns_400_invalid(string json)
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        var field = System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateObject().Single().Name;
        using var client = app.ClientFor(id);

        using var response = await client.PatchAsync(id, Api.Raw(json, "application/json"));

        await response.AssertFieldErrorsAsync((field, "invalid"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Several_violations_come_back_together()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = "bad name", bio = new string('b', 5001), gender = "robot" });

        await response.AssertFieldErrorsAsync(("username", "invalid"), ("bio", "max_length"), ("gender", "invalid_choice"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Every_field_is_reported_together_in_spec_order()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new Dictionary<string, string>
        {
            ["cover"] = "https://elsewhere.example/c.png",
            ["website"] = "nope",
            ["gender"] = "robot",
            ["description"] = new string('d', 51),
            ["date_of_birth"] = "1899-01-01",
            ["position_lat_lng"] = "x",
            ["location_lat_lng"] = "y",
            ["location"] = new string('l', 101),
            ["bio"] = new string('b', 5001),
            ["real_name"] = "a\u0007",
            ["username"] = "staff",
            ["avatar"] = "https://elsewhere.example/a.png",
        });

        await response.AssertFieldErrorsAsync(
            ("username", "reserved"), ("real_name", "invalid"), ("bio", "max_length"), ("location", "max_length"),
            ("location_lat_lng", "invalid"), ("position_lat_lng", "invalid"), ("date_of_birth", "invalid"),
            ("description", "max_length"), ("gender", "invalid_choice"), ("website", "invalid"),
            ("avatar", "invalid"), ("cover", "invalid"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_bio_with_newlines_at_the_limit_is_accepted()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        var bio = "first line\nsecond line\r\n" + new string('b', 5000 - 24);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { bio });

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { Bio = bio }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_description_of_50_emoji_is_accepted_because_length_counts_code_points()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        var description = string.Concat(Enumerable.Repeat(Emoji, 50));
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { description });

        Assert.Equal(description, (await response.ReadUserAsync()).GetProperty("description").GetString());
        Assert.Equal(before.Written() with { Description = description }, await app.ReadUserAsync(id));
    }

    [Theory]
    [InlineData("male", Gender.Male, "Male")]
    [InlineData("FEMALE", Gender.Female, "Female")]
    [InlineData(" unspecified ", Gender.Unspecified, "Unspecified")]
    public async Task Gender_is_matched_case_insensitively_and_stored_canonical(string sent, Gender stored, string shown)
    {
        var id = await app.CreateUserAsync(new UserBuilder().With(u => u.Edit(("gender", "Female"), ("bio", "x"))));
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { gender = sent, bio = "y" });

        Assert.Equal(shown, (await response.ReadUserAsync()).GetProperty("gender").GetString());
        Assert.Equal(before.Written() with { Gender = stored, Bio = "y" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Boundary_values_are_accepted()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        var username = UserBuilder.UniqueName("Max_-") + new string('x', 255 - 38);
        var website = "https://example.com/" + new string('w', 180);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new Dictionary<string, string>
        {
            ["username"] = username,
            ["real_name"] = new string('r', 255),
            ["location"] = new string('l', 100),
            ["location_lat_lng"] = "-90,180",
            ["position_lat_lng"] = "90,-180",
            ["date_of_birth"] = "1900-01-01",
            ["description"] = new string('d', 50),
            ["website"] = website,
        });

        await response.ReadUserAsync();
        Assert.Equal(255, username.Length);
        var after = await app.ReadUserAsync(id);
        Assert.NotNull(after.UsernameChangedAt); // a rename records its time
        Assert.Equal(before.Written() with
        {
            Username = username, UsernameChangedAt = after.UsernameChangedAt, RealName = new string('r', 255), Location = new string('l', 100), LocationLatLng = "-90,180",
            PositionLatLng = "90,-180", DateOfBirth = new DateOnly(1900, 1, 1), Description = new string('d', 50), Website = website,
        }, after);
    }

    [Fact]
    public async Task Empty_website_clears_it()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { website = "" });

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { Website = "" }, await app.ReadUserAsync(id));
    }
}
