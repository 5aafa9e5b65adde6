using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;
using CleanUser.WebApi.Cli;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>The operator verbs (docs/operations.md#verbs) against the real app's services and database.</summary>
public sealed class OperatorCommandTests(TestApp app) : IClassFixture<TestApp>
{
    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => app.RunVerbAsync(args);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task User_patch_changes_the_user_and_prints_it()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);

        var (exitCode, output, error) = await RunAsync("user", "patch", Id(id), "--bio", "x");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        using var printed = JsonDocument.Parse(output);
        Assert.Equal(id, printed.RootElement.GetProperty("id").GetInt64());
        Assert.Equal("x", printed.RootElement.GetProperty("bio").GetString());
        Assert.Equal(before.Written() with { Bio = "x" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task User_patch_understands_dashed_names_empty_values_and_null()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);

        var (exitCode, _, error) = await RunAsync("user", "patch", Id(id), "--real-name", "Op Name", "--website=", "--null", "gender");

        Assert.True(exitCode == 0, error);
        Assert.Equal(before.Written() with { RealName = "Op Name", Website = "", Gender = Gender.Unspecified }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task User_patch_with_invalid_values_exits_1_and_prints_the_problem_with_the_http_codes()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);

        var (exitCode, output, error) = await RunAsync("user", "patch", Id(id), "--username", "admin", "--bio", new string('b', 5001));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        using var problem = JsonDocument.Parse(error);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal([("username", "reserved"), ("bio", "max_length")], Api.FieldErrors(problem.RootElement));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task User_patch_of_a_blocked_account_exits_1_with_account_blocked()
    {
        var id = await app.CreateUserAsync(new UserBuilder().Blocked());

        var (exitCode, _, error) = await RunAsync("user", "patch", Id(id), "--bio", "x");

        Assert.Equal(1, exitCode);
        using var problem = JsonDocument.Parse(error);
        Assert.Equal(403, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("account_blocked", problem.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task User_patch_of_a_read_only_field_is_a_usage_error_naming_it_and_changes_nothing()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);

        var (exitCode, output, error) = await RunAsync("user", "patch", Id(id), "--reputation", "1000");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains("'--reputation'", error, StringComparison.Ordinal);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_change_made_with_the_verb_is_logged_as_made_by_the_system()
    {
        var id = await app.CreateUserAsync();
        var seen = app.Log.Lines.Count;

        var (exitCode, _, error) = await RunAsync("user", "patch", Id(id), "--bio", "by an operator");

        Assert.True(exitCode == 0, error);
        Assert.Contains(app.Log.Lines.Skip(seen), l => l.Message.StartsWith("PatchUserCommand for system handled", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Token_prints_an_access_token_the_api_accepts(bool withHours)
    {
        var id = await app.CreateUserAsync();
        string[] args = withHours ? ["token", Id(id), "--hours", "1"] : ["token", Id(id)];

        var (exitCode, output, error) = await RunAsync(args);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        using var client = app.CreateClient().WithToken(output.Trim());
        using var response = await client.PatchJsonAsync(id, new { bio = "via operator token" });
        Assert.Equal("via operator token", (await response.ReadUserAsync()).GetProperty("bio").GetString());
    }

    [Fact]
    public async Task Token_refuses_hours_beyond_the_maximum_lifetime_the_api_accepts()
    {
        var id = await app.CreateUserAsync();

        var (exitCode, output, error) = await RunAsync("token", Id(id), "--hours", "721");

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains("Auth:MaxTokenLifetimeHours", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_patch_takes_a_value_starting_with_an_at_sign_as_it_is()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);

        var (exitCode, _, error) = await RunAsync("user", "patch", Id(id), "--bio", "@someone");

        Assert.True(exitCode == 0, error);
        Assert.Equal(before.Written() with { Bio = "@someone" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task User_show_prints_the_user_as_get_returns_it()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var response = await app.CreateClient().GetUserAsync(id);
        // Outside a request image URLs are on Media:PublicBaseUrl, unset here, so they lack the request's host.
        var fromHttp = (await response.Content.ReadAsStringAsync()).Replace("http://localhost/", "/", StringComparison.Ordinal);

        var (exitCode, output, error) = await RunAsync("user", "show", Id(id), "--json");

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Equal("", error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(fromHttp), JsonNode.Parse(output)), fromHttp);
    }

    [Fact]
    public async Task User_show_of_an_unknown_user_exits_1_with_the_not_found_problem()
    {
        var (exitCode, output, error) = await RunAsync("user", "show", "999999999");

        Assert.Equal(ExitCodes.Refused, exitCode);
        Assert.Equal("", output);
        using var problem = JsonDocument.Parse(error);
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("CleanUser.WebApi [command]", "--help")]
    [InlineData("CleanUser.WebApi [command]", "-h")]
    [InlineData("CleanUser.WebApi [command]", "help")]
    [InlineData("CleanUser.WebApi migrate", "migrate", "--help")]
    [InlineData("CleanUser.WebApi token <USER_ID>", "token", "--help")]
    [InlineData("CleanUser.WebApi user [command]", "user", "--help")]
    [InlineData("CleanUser.WebApi user show <USER_ID>", "user", "show", "--help")]
    [InlineData("CleanUser.WebApi user patch <USER_ID>", "user", "patch", "-h")]
    [InlineData("CleanUser.WebApi user patch <USER_ID>", "help", "user", "patch")]
    public async Task Help_on_the_root_and_on_every_verb_prints_its_usage_and_exits_0(string usage, params string[] args)
    {
        Assert.True(OperatorCommands.IsVerb(args));

        var (exitCode, output, error) = await RunAsync(args);

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Equal("", error);
        Assert.Contains("Usage:\n  " + usage, output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_of_user_patch_lists_every_writable_field_with_underscores_and_dashes()
    {
        var (_, output, _) = await RunAsync("user", "patch", "--help");

        Assert.All(ProfileFields.All, field =>
        {
            Assert.Contains("--" + field.Name, output, StringComparison.Ordinal);
            Assert.Contains("--" + field.Name.Replace('_', '-'), output, StringComparison.Ordinal);
        });
        Assert.Contains("--null <FIELD>", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'--bogus'", "token", "1", "--bogus")]
    [InlineData("'--bogus'", "user", "show", "1", "--bogus", "x")]
    [InlineData("'frobnicate'", "user", "frobnicate")]
    [InlineData("USER_ID", "token")]
    [InlineData("USER_ID", "user", "patch")]
    [InlineData("'abc'", "user", "show", "abc")]
    [InlineData("'0'", "token", "0")]
    [InlineData("'-5'", "user", "patch", "-5", "--bio", "x")]
    [InlineData("--hours", "token", "1", "--hours", "soon")]
    [InlineData("--hours", "token", "1", "--hours", "0")]
    [InlineData("'reputation' is not a writable field.", "user", "patch", "1", "--null", "reputation")]
    [InlineData("--bio is given both a value and --null.", "user", "patch", "1", "--bio", "x", "--null", "bio")]
    [InlineData("'x'", "user", "patch", "1", "--website=", "x")]
    [InlineData("Required command", "user")]
    public async Task A_usage_error_names_the_bad_argument_points_to_help_and_exits_2(string named, params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Contains("--help'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_usage_error_changes_nothing()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);

        var (exitCode, _, _) = await RunAsync("user", "patch", Id(id), "--bio", "x", "--bogus", "y");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Theory]
    [InlineData(true, "migrate")]
    [InlineData(true, "token", "1")]
    [InlineData(true, "user", "show", "1")]
    [InlineData(true, "-?")]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:0")]
    [InlineData(false, "serve")]
    [InlineData(false, "Migrate")]
    public void Only_a_verb_name_or_a_help_option_first_runs_a_verb_instead_of_the_server(bool isVerb, params string[] args) =>
        Assert.Equal(isVerb, OperatorCommands.IsVerb(args));
}
