using CleanUser.Tests.Support;
using System.Net;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>RFC 6902 over HTTP on a real database: each operation kind, all-or-nothing, forbidden paths.</summary>
public class JsonPatchTests(TestApp app) : IClassFixture<TestApp>
{
    private const string JsonPatch = "application/json-patch+json";

    private async Task<(long Id, HttpClient Client)> UserAsync()
    {
        var id = await app.CreateUserAsync(new UserBuilder().With(u => u.Edit(
            ("real_name", "Ada Lovelace"), ("bio", "Counts."), ("location", "London"), ("website", "https://ada.example"))));
        return (id, app.ClientFor(id));
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, long id, string operations) =>
        client.PatchAsync(id, Api.Raw(operations, JsonPatch));

    /// <summary>Applies the operations to a new user as its owner; the user as stored before and after.</summary>
    private async Task<(UserSnapshot Before, UserSnapshot After)> ApplyAsync(string operations)
    {
        var (id, client) = await UserAsync();
        var before = await app.ReadUserAsync(id);

        await (await PatchAsync(client, id, operations)).ReadUserAsync();

        return (before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Replace_sets_a_field()
    {
        var (id, client) = await UserAsync();
        var before = await app.ReadUserAsync(id);

        var user = await (await PatchAsync(client, id, """[{"op":"replace","path":"/bio","value":"Engines."}]""")).ReadUserAsync();

        Assert.Equal("Engines.", user.GetProperty("bio").GetString());
        Assert.Equal(before.Written() with { Bio = "Engines." }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Add_on_an_existing_field_sets_it()
    {
        var (before, after) = await ApplyAsync("""[{"op":"add","path":"/description","value":"First programmer"}]""");

        Assert.Equal(before.Written() with { Description = "First programmer" }, after);
    }

    [Fact]
    public async Task Remove_resets_a_field_to_its_default()
    {
        var (before, after) = await ApplyAsync("""[{"op":"remove","path":"/website"},{"op":"remove","path":"/gender"}]""");

        Assert.Equal(before.Written() with { Website = "", Gender = Domain.Users.Gender.Unspecified }, after);
    }

    [Fact]
    public async Task Copy_duplicates_a_value_and_keeps_the_source()
    {
        var (before, after) = await ApplyAsync("""[{"op":"copy","from":"/real_name","path":"/location"}]""");

        Assert.Equal(before.Written() with { Location = "Ada Lovelace" }, after);
    }

    [Fact]
    public async Task Move_sets_the_target_and_resets_the_source()
    {
        var (before, after) = await ApplyAsync("""[{"op":"move","from":"/location","path":"/description"}]""");

        Assert.Equal(before.Written() with { Description = "London", Location = "" }, after);
    }

    [Fact]
    public async Task A_passing_test_lets_the_other_operations_apply()
    {
        var (before, after) = await ApplyAsync("""
            [{"op":"test","path":"/bio","value":"Counts."},{"op":"replace","path":"/bio","value":"Checked."}]
            """);

        Assert.Equal(before.Written() with { Bio = "Checked." }, after);
    }

    [Fact]
    public async Task A_failing_test_is_409_test_failed_and_nothing_is_applied()
    {
        var (id, client) = await UserAsync();
        var before = await app.ReadUserAsync(id);

        var response = await PatchAsync(client, id, """
            [{"op":"replace","path":"/location","value":"Paris"},{"op":"test","path":"/bio","value":"Something else"}]
            """);

        await response.AssertErrorAsync(HttpStatusCode.Conflict, "test_failed");
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Theory]
    [InlineData("replace", "/reputation")]
    [InlineData("replace", "/id")]
    [InlineData("add", "/tags/0")]
    [InlineData("replace", "/nope")]
    [InlineData("remove", "/followers_counter")]
    [InlineData("replace", "/Bio")]
    [InlineData("replace", "/bio/0")]
    [InlineData("replace", "")]
    public async Task An_operation_on_a_path_that_is_not_writable_is_400_naming_it_and_nothing_changes(string op, string path)
    {
        var (id, client) = await UserAsync();
        var before = await app.ReadUserAsync(id);

        var response = await PatchAsync(client, id, $$"""
            [{"op":"replace","path":"/bio","value":"Changed."},{"op":"{{op}}","path":"{{path}}","value":"1"}]
            """);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("invalid", error.GetProperty("code").GetString());
        Assert.Contains($"Operation 1 ({op} {path})", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_patch_valid_by_the_RFC_that_makes_an_invalid_profile_is_400_on_the_field()
    {
        var (id, client) = await UserAsync();
        var before = await app.ReadUserAsync(id);

        var response = await PatchAsync(client, id, """[{"op":"replace","path":"/username","value":"a b"}]""");

        await response.AssertFieldErrorsAsync(("username", "invalid"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Theory]
    [InlineData("""{"op":"replace","path":"/bio","value":"x"}""")]
    [InlineData("""[{"op":"nope","path":"/bio","value":"x"}]""")]
    [InlineData("""[{"op":"replace","path":"/bio"}]""")]
    [InlineData("""[{"op":"copy","path":"/bio"}]""")]
    [InlineData("""[{"op":"replace","value":"x"}]""")]
    [InlineData("""[{"op":"replace","path":"/bio","value":"x"}""")]
    [InlineData("""["replace"]""")]
    public async Task A_document_that_is_not_a_valid_JSON_Patch_is_400_parse_error(string body)
    {
        var (id, client) = await UserAsync();
        var before = await app.ReadUserAsync(id);

        await (await PatchAsync(client, id, body)).AssertErrorAsync(HttpStatusCode.BadRequest, "parse_error");
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    private static string Operations(int count, Func<int, string> operation) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(operation)) + "]";

    [Fact]
    public async Task A_document_longer_than_the_cap_is_400_invalid_naming_the_cap_and_changes_nothing()
    {
        var (id, client) = await UserAsync();
        var before = await app.ReadUserAsync(id);

        var response = await PatchAsync(client, id, Operations(10_000, i => $$"""{"op":"replace","path":"/bio","value":"{{i}}"}"""));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("invalid", error.GetProperty("code").GetString());
        Assert.Contains("at most 100 operations", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_document_of_exactly_the_cap_is_applied()
    {
        var (before, after) = await ApplyAsync(Operations(100, i => $$"""{"op":"replace","path":"/bio","value":"Take {{i}}"}"""));

        Assert.Equal(before.Written() with { Bio = "Take 99" }, after);
    }

    [Fact]
    public async Task The_cap_is_configurable()
    {
        using var strict = TestApp.With(new TestAppOptions { Settings = new Dictionary<string, string> { ["JsonPatch:MaxOperations"] = "2" } });
        var id = await strict.CreateUserAsync();
        using var client = strict.ClientFor(id);

        var refused = await PatchAsync(client, id, Operations(3, _ => """{"op":"replace","path":"/bio","value":"x"}"""));
        var accepted = await PatchAsync(client, id, Operations(2, _ => """{"op":"replace","path":"/bio","value":"x"}"""));

        Assert.Contains("at most 2 operations", (await refused.ReadProblemAsync(HttpStatusCode.BadRequest)).GetRawText(), StringComparison.Ordinal);
        Assert.Equal("x", (await accepted.ReadUserAsync()).GetProperty("bio").GetString());
    }

    /// <summary>
    /// The largest document allowed, every operation a failing test with a long value: the answer lists the first ten
    /// failures, each cut short, and counts the rest — a few KiB for a request of half a MiB.
    /// </summary>
    [Fact]
    public async Task A_maximal_document_of_failing_tests_gets_a_small_409()
    {
        var (id, client) = await UserAsync();
        var before = await app.ReadUserAsync(id);
        var value = new string('v', 5000);

        var response = await PatchAsync(client, id, Operations(100, _ => $$"""{"op":"test","path":"/bio","value":"{{value}}"}"""));

        var body = await response.Content.ReadAsStringAsync();
        await response.AssertErrorAsync(HttpStatusCode.Conflict, "test_failed");
        Assert.True(body.Length < 8 * 1024, $"a {body.Length}-character answer");
        Assert.Contains("Operation 9 (test /bio)", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Operation 10 (", body, StringComparison.Ordinal);
        Assert.Contains("And 90 more operations failed.", body, StringComparison.Ordinal);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Put_does_not_take_a_JSON_Patch()
    {
        var (id, client) = await UserAsync();

        var response = await client.PutAsync(Api.UserUri(id),
            Api.Raw("""[{"op":"replace","path":"/bio","value":"x"}]""", JsonPatch));

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    /// <summary>
    /// A JSON Patch racing a plain PATCH never silently overwrites. The patch is applied to the
    /// profile as read inside its own transaction (and re-applied on a concurrency conflict), so its <c>test</c>
    /// sees the other write whenever that write came first.
    /// </summary>
    [Fact]
    public async Task A_json_patch_racing_a_plain_patch_never_overwrites_it_silently()
    {
        for (var round = 0; round < 10; round++)
        {
            var (id, client) = await UserAsync();
            var plain = client.PatchJsonAsync(id, new Dictionary<string, object?> { ["bio"] = "plain" });
            var patch = PatchAsync(client, id, """
                [{"op":"test","path":"/bio","value":"Counts."},{"op":"replace","path":"/bio","value":"patched"}]
                """);
            var responses = await Task.WhenAll(plain, patch);

            Assert.Equal(HttpStatusCode.OK, responses[0].StatusCode);
            Assert.Contains(responses[1].StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
            // Either the patch ran first (then the plain PATCH wrote last) or its test saw "plain" and refused.
            Assert.Equal("plain", (await app.ReadUserAsync(id)).Bio);
        }
    }
}
