using System.Text.Json;
using CleanUser.Tests.Support;
using CleanUser.WebApi.Cli;

namespace CleanUser.FunctionalTests.Webhooks;

/// <summary>The <c>webhook</c> verbs' arguments, output and refusals (docs/operations.md#webhooks).</summary>
public sealed class WebhookVerbTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Add_prints_the_id_and_the_secret_once_and_list_never_shows_the_secret()
    {
        var (exitCode, output, error) = await app.RunVerbAsync("webhook", "add", "--target", "https://hooks.example.org/in?k=1",
            "--description", " CRM sync ", "--json");

        Assert.True(exitCode == 0, error);
        var added = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["id", "target", "events", "is_active", "secret"], added.EnumerateObject().Select(p => p.Name));
        Assert.Equal("https://hooks.example.org/in?k=1", added.GetProperty("target").GetString());
        Assert.Equal(["user.updated"], added.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.True(added.GetProperty("is_active").GetBoolean());
        var secret = added.GetProperty("secret").GetString()!;
        Assert.True(secret.Length >= 32, secret);

        var (_, list, _) = await app.RunVerbAsync("webhook", "list", "--json");
        var listed = JsonDocument.Parse(list).RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == added.GetProperty("id").GetInt64());
        Assert.Equal("CRM sync", listed.GetProperty("description").GetString());
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        var (_, text, _) = await app.RunVerbAsync("webhook", "list");
        Assert.Contains("https://hooks.example.org/in?k=1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_without_json_prints_the_id_and_the_secret_as_text()
    {
        var (exitCode, output, error) = await app.RunVerbAsync("webhook", "add", "--target", "http://127.0.0.1:9/hook");

        Assert.True(exitCode == 0, error);
        Assert.Matches(@"^Endpoint \d+ added: http://127\.0\.0\.1:9/hook \(user\.updated\)\.", output);
        Assert.Matches(@"Signing secret \(shown only now\): [A-Za-z0-9_-]{43}", output);
    }

    [Theory]
    [InlineData("/relative/path")]
    [InlineData("hooks.example.org/in")]
    [InlineData("ftp://hooks.example.org/in")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://user:password@hooks.example.org/in")]
    [InlineData("")]
    public async Task Add_with_a_target_that_is_not_an_absolute_http_url_is_a_usage_error_and_adds_nothing(string target)
    {
        var before = await ListedCountAsync();

        var (exitCode, output, error) = await app.RunVerbAsync("webhook", "add", "--target", target);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains("--target", error, StringComparison.Ordinal);
        Assert.Equal(before, await ListedCountAsync());
    }

    [Fact]
    public async Task Add_with_an_unknown_event_type_is_a_usage_error_naming_it()
    {
        var (exitCode, _, error) = await app.RunVerbAsync("webhook", "add", "--target", "https://hooks.example.org/", "--events", "user.deleted");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("'user.deleted'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("rotate-secret")]
    [InlineData("deliveries")]
    public async Task A_verb_on_an_endpoint_that_does_not_exist_exits_1_with_not_found(string verb)
    {
        var (exitCode, output, error) = await app.RunVerbAsync("webhook", verb, "999999");

        Assert.Equal(ExitCodes.Refused, exitCode);
        Assert.Equal("", output);
        Assert.Equal(404, JsonDocument.Parse(error).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Resend_of_an_event_never_queued_exits_1_with_not_found()
    {
        var (exitCode, _, error) = await app.RunVerbAsync("webhook", "resend", "999999");

        Assert.Equal(ExitCodes.Refused, exitCode);
        Assert.Equal("not_found", JsonDocument.Parse(error).RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_id_that_is_not_a_positive_integer_is_a_usage_error_naming_it()
    {
        var (exitCode, _, error) = await app.RunVerbAsync("webhook", "rotate-secret", "abc");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("ID must be a positive whole number, not 'abc'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotated_secret_is_printed_once_and_a_removed_endpoint_cannot_be_rotated()
    {
        var (_, added, _) = await app.RunVerbAsync("webhook", "add", "--target", "https://hooks.example.org/", "--json");
        var id = JsonDocument.Parse(added).RootElement.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (rotated, text, _) = await app.RunVerbAsync("webhook", "rotate-secret", id);
        Assert.Equal(0, rotated);
        Assert.Matches(@"Signing secret \(shown only now\): [A-Za-z0-9_-]{43}", text);

        Assert.Equal(0, (await app.RunVerbAsync("webhook", "remove", id)).ExitCode);
        Assert.Equal(0, (await app.RunVerbAsync("webhook", "remove", id)).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await app.RunVerbAsync("webhook", "rotate-secret", id)).ExitCode);
    }

    private async Task<int> ListedCountAsync()
    {
        var (_, output, _) = await app.RunVerbAsync("webhook", "list", "--json");
        return JsonDocument.Parse(output).RootElement.GetArrayLength();
    }
}
