using System.Globalization;
using System.Net;
using System.Text.Json;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users.Events;
using CleanUser.Infrastructure.Audit;
using CleanUser.Tests.Support;
using CleanUser.WebApi.Cli;
using Microsoft.EntityFrameworkCore;
using Full = CleanUser.Tests.Support.UserBuilder.Full;

namespace CleanUser.FunctionalTests.Audit;

/// <summary>
/// The audit trail (docs/security.md#audit-trail): one entry per committed change, in its transaction, whatever the
/// channel — a real HTTP request, the <c>user patch</c> verb, an internal module — and none for a change that is refused
/// or changes nothing; read back with the <c>user history</c> verb.
/// </summary>
public sealed class AuditTrailTests(AuditTrailTests.App fixture) : IClassFixture<AuditTrailTests.App>
{
    private const string UserAgent = "audit-tests/1.0";
    private const string MediaBase = "https://media.example.org";

    private static readonly string[] EntryKeys = ["id", "at", "user_id", "actor", "channel", "request_id", "ip", "user_agent", "changes"];
    private static readonly string[] ChangeKeys = ["field", "old", "new"];

    private TestApp Host => fixture.Host;

    [Fact]
    public async Task A_change_over_http_the_verb_and_a_module_writes_one_entry_each_and_history_prints_them_newest_first()
    {
        var id = await Host.CreateUserAsync(new UserBuilder().WithFullProfile());
        var username = (await Host.ReadUserAsync(id)).Username;
        var renamed = UserBuilder.UniqueName("renamed");
        var started = DateTime.UtcNow.AddSeconds(-1);

        using (var client = Host.ClientFor(id))
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            using var response = await client.PatchJsonAsync(id, new { username = renamed, bio = "Over HTTP" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, (await RunAsync("user", "patch", Id(id), "--bio", "From the CLI")).ExitCode);
        await Host.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("gender", "Male"), ("date_of_birth", null))), Caller.System);

        var (exitCode, output, error) = await RunAsync("user", "history", Id(id), "--json");

        Assert.True(exitCode == 0, error);
        using var printed = JsonDocument.Parse(output);
        var entries = printed.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, entry =>
        {
            Assert.Equal(EntryKeys, entry.EnumerateObject().Select(p => p.Name));
            Assert.All(entry.GetProperty("changes").EnumerateArray(), c => Assert.Equal(ChangeKeys, c.EnumerateObject().Select(p => p.Name)));
            Assert.Equal(id, entry.GetProperty("user_id").GetInt64());
            var at = entry.GetProperty("at").GetDateTime();
            Assert.Equal(DateTimeKind.Utc, at.Kind);
            Assert.InRange(at, started, DateTime.UtcNow.AddSeconds(1));
        });
        Assert.True(entries[0].GetProperty("id").GetInt64() > entries[1].GetProperty("id").GetInt64());
        Assert.True(entries[1].GetProperty("id").GetInt64() > entries[2].GetProperty("id").GetInt64());

        var (module, cli, http) = (entries[0], entries[1], entries[2]);
        AssertOrigin(http, $"user:{id}", "http", requestId: true, "127.0.0.1", UserAgent);
        AssertChanges(http, ("username", username, renamed), ("bio", Full.Bio, "Over HTTP"));
        AssertOrigin(cli, "system", "cli", requestId: false, null, null);
        AssertChanges(cli, ("bio", "Over HTTP", "From the CLI"));
        AssertOrigin(module, "system", "module", requestId: false, null, null);
        AssertChanges(module, ("date_of_birth", "1990-05-17", null), ("gender", "Female", "Male"));
    }

    [Fact]
    public async Task A_put_and_a_json_patch_write_one_entry_each_as_http()
    {
        var id = await Host.CreateUserAsync();
        var username = (await Host.ReadUserAsync(id)).Username;
        using var client = Host.ClientFor(id);

        using var put = await client.PutAsync(id, Api.Json(new { username, location = "Rome" }));
        using var patch = await client.PatchAsync(id,
            Api.Raw("""[{"op": "replace", "path": "/location", "value": "Milan"}]""", "application/json-patch+json"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (put.StatusCode, patch.StatusCode));
        var entries = await EntriesAsync(id);
        Assert.Equal([[new FieldChange("location", "", "Rome")], [new FieldChange("location", "Rome", "Milan")]],
            entries.OrderBy(e => e.Id).Select(e => e.Changes));
        Assert.All(entries, e => Assert.Equal(($"user:{id}", "http"), (e.Actor, e.Channel)));
    }

    [Fact]
    public async Task History_shows_images_as_their_url_while_the_entry_keeps_the_storage_key()
    {
        var id = await Host.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var client = Host.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new Dictionary<string, object?> { ["avatar"] = null });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, output, _) = await RunAsync("user", "history", Id(id), "--json");
        using var printed = JsonDocument.Parse(output);
        AssertChanges(printed.RootElement[0], ("avatar", $"{MediaBase}/media/{Full.Avatar}", null));
        var stored = Assert.Single(await EntriesAsync(id));
        Assert.Equal([new FieldChange("avatar", Full.Avatar, null)], stored.Changes);
    }

    [Fact]
    public async Task A_refused_change_and_a_change_that_changes_nothing_write_no_entry()
    {
        var id = await Host.CreateUserAsync(new UserBuilder().WithFullProfile());
        var username = (await Host.ReadUserAsync(id)).Username;
        using var client = Host.ClientFor(id);

        using var refused = await client.PatchJsonAsync(id, new { bio = "fine", gender = "neither" });
        using var same = await client.PatchJsonAsync(id, new { username, bio = Full.Bio, gender = "female" });
        var verb = await RunAsync("user", "patch", Id(id), "--real-name", Full.RealName);

        await refused.AssertFieldErrorsAsync(("gender", "invalid_choice"));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(0, verb.ExitCode);
        Assert.Empty(await EntriesAsync(id));
        Assert.Equal($"No audit entries for user {id}.", (await RunAsync("user", "history", Id(id))).Output.Trim());
    }

    [Fact]
    public async Task History_without_json_prints_a_line_per_entry_and_per_field_and_limit_keeps_the_newest()
    {
        var id = await Host.CreateUserAsync();
        foreach (var bio in new[] { "one", "two", "three" })
        {
            Assert.Equal(0, (await RunAsync("user", "patch", Id(id), "--bio", bio)).ExitCode);
        }

        var (exitCode, output, error) = await RunAsync("user", "history", Id(id), "--limit", "2");

        Assert.True(exitCode == 0, error);
        var lines = output.Trim().Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var ids = (await EntriesAsync(id)).Select(e => e.Id).OrderDescending().ToList();
        Assert.Equal(4, lines.Count);
        Assert.Matches($@"^#{ids[0]} \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ system via cli$", lines[0]);
        Assert.Equal("""  bio: "two" -> "three" """.TrimEnd(), lines[1]);
        Assert.StartsWith($"#{ids[1]} ", lines[2], StringComparison.Ordinal);
        Assert.Equal("""  bio: "one" -> "two" """.TrimEnd(), lines[3]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("many")]
    public async Task History_with_a_limit_that_is_not_a_positive_number_is_a_usage_error(string limit)
    {
        var (exitCode, _, error) = await RunAsync("user", "history", "1", "--limit", limit);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--limit must be a positive whole number", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_of_a_user_that_does_not_exist_is_refused_with_not_found()
    {
        var (exitCode, output, error) = await RunAsync("user", "history", "987654321", "--json");

        Assert.Equal(ExitCodes.Refused, exitCode);
        Assert.Equal("", output);
        using var problem = JsonDocument.Parse(error);
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    private static void AssertOrigin(JsonElement entry, string actor, string channel, bool requestId, string? ip, string? userAgent)
    {
        Assert.Equal(actor, entry.GetProperty("actor").GetString());
        Assert.Equal(channel, entry.GetProperty("channel").GetString());
        Assert.Equal(requestId, entry.GetProperty("request_id").GetString() is { Length: > 0 });
        Assert.Equal(ip, entry.GetProperty("ip").GetString());
        Assert.Equal(userAgent, entry.GetProperty("user_agent").GetString());
    }

    private static void AssertChanges(JsonElement entry, params (string Field, string? Old, string? New)[] expected) =>
        Assert.Equal(expected, entry.GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("field").GetString()!, c.GetProperty("old").GetString(), c.GetProperty("new").GetString())));

    private Task<List<AuditEntry>> EntriesAsync(long id) =>
        Host.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking().Where(e => e.UserId == id).ToListAsync());

    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => Host.RunVerbAsync(args);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The service on a real socket (so a request has a client address), with a configured base for image URLs.</summary>
    public sealed class App : IDisposable
    {
        public TestApp Host { get; } = TestApp.With(new TestAppOptions
        {
            RealSocket = true,
            Settings = new Dictionary<string, string> { ["Media:PublicBaseUrl"] = MediaBase },
        });

        public void Dispose() => Host.Dispose();
    }
}
