using System.Net;
using CleanUser.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// Every request that reaches the application is logged once, with who asked and how it ended — refusals by the
/// permission checks included, as those are logged around them.
/// </summary>
public sealed class RequestLogTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_patch_of_someone_elses_profile_is_logged_as_refused_with_the_caller_and_the_reason()
    {
        var victim = await app.CreateUserAsync();
        var attacker = await app.CreateUserAsync();
        using var client = app.ClientFor(attacker);
        var seen = app.Log.Lines.Count;

        using var response = await client.PatchJsonAsync(victim, new { bio = "pwned" });

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "permission_denied");
        var line = Assert.Single(RequestLines(seen));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith($"PatchUserCommand for user {attacker} refused (ForbiddenException)", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_read_of_me_is_logged_as_refused_for_anonymous()
    {
        using var client = app.CreateClient();
        var seen = app.Log.Lines.Count;

        using var response = await client.GetAsync(Api.Relative("/api/v2/user/me/"));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "not_authenticated");
        var line = Assert.Single(RequestLines(seen));
        Assert.StartsWith("GetCurrentUserQuery for anonymous refused (NotAuthenticatedException)", line.Message, StringComparison.Ordinal);
    }

    /// <summary>The request log lines written since <paramref name="seen"/> lines (the tests of a class run one at a time).</summary>
    private IEnumerable<LogLine> RequestLines(int seen) =>
        app.Log.Lines.Skip(seen).Where(l => l.Category.StartsWith("CleanUser.Application.Common.Behaviors.LoggingBehavior", StringComparison.Ordinal));
}
