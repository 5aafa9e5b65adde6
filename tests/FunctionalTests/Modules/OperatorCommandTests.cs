using System.Globalization;
using System.Text.Json;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;
using CleanUser.WebApi.Cli;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>The operator verbs (<c>user patch</c>, <c>token</c>) against the real app's services and database.</summary>
public sealed class OperatorCommandTests(TestApp app) : IClassFixture<TestApp>
{
    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await OperatorCommands.RunAsync(app.Services, args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

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
    public async Task User_patch_of_a_read_only_field_prints_usage_and_changes_nothing()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);

        var (exitCode, _, error) = await RunAsync("user", "patch", Id(id), "--reputation", "1000");

        Assert.Equal(2, exitCode);
        Assert.Contains("'reputation' is not a writable field.", error, StringComparison.Ordinal);
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
}
