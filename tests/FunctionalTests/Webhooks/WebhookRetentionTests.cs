using System.Globalization;
using CleanUser.Infrastructure.Webhooks;
using CleanUser.Tests.Support;
using CleanUser.WebApi.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CleanUser.FunctionalTests.Webhooks;

/// <summary><c>Webhooks:RetentionDays</c> (docs/operations.md#configuration), on a clock the test moves.</summary>
public sealed class WebhookRetentionTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private readonly TestApp _app;

    public WebhookRetentionTests() => _app = TestApp.With(new TestAppOptions
    {
        Settings = new Dictionary<string, string> { ["Webhooks:RetentionDays"] = "30" },
        Services = services => services.AddSingleton<TimeProvider>(_clock),
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Events_older_than_the_retention_go_with_their_history_and_newer_ones_stay()
    {
        await using var subscription = await Subscription.StartAsync(_app);
        var id = await _app.CreateUserAsync();
        await PatchBioAsync(id, "old");
        var old = Assert.Single(await subscription.ReceivedAsync(1)).EventId;
        _clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        await PatchBioAsync(id, "recent");
        var recent = (await subscription.ReceivedAsync(2))[1].EventId;
        _clock.Advance(TimeSpan.FromMinutes(2));

        // The dispatcher purges too, hourly by this clock: its round after the recent event may see the clock moved and
        // purge first, so how many this call deletes is not the test's to count. What is left is.
        var purged = await _app.Services.GetRequiredService<WebhookSender>().PurgeAsync(CancellationToken.None);

        Assert.InRange(purged, 0, 1);
        Assert.Equal(ExitCodes.Refused, (await _app.RunVerbAsync("webhook", "resend", Text(old))).ExitCode);
        Assert.Equal(0, (await _app.RunVerbAsync("webhook", "resend", Text(recent))).ExitCode);
        Assert.All((await subscription.AttemptsAsync()).EnumerateArray(), a => Assert.Equal(recent, a.GetProperty("event_id").GetInt64()));
    }

    private async Task PatchBioAsync(long id, string bio)
    {
        using var client = _app.ClientFor(id);
        (await client.PatchJsonAsync(id, new { bio })).EnsureSuccessStatusCode();
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
