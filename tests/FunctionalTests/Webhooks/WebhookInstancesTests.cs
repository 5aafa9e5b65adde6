using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Webhooks;

/// <summary>Several instances over one PostgreSQL database: one claim per delivery (docs/adr/0020-webhooks.md).</summary>
public sealed class WebhookInstancesTests
{
    [PostgresFact]
    public async Task Two_dispatchers_over_one_database_deliver_each_event_once_and_in_commit_order()
    {
        using var folder = TestFolder.Create();
        var options = new TestAppOptions { Settings = new Dictionary<string, string> { ["Webhooks:RetryBaseSeconds"] = "0.05" } };
        using var first = TestApp.Over(folder, options);
        using var second = TestApp.Over(folder, options);
        await using var subscription = await Subscription.StartAsync(first);
        var id = await first.CreateUserAsync();
        using var viaFirst = first.ClientFor(id);
        using var viaSecond = second.ClientFor(id);

        for (var i = 1; i <= 10; i++)
        {
            var client = i % 2 == 0 ? viaSecond : viaFirst;
            (await client.PatchJsonAsync(id, new { bio = $"edit {i}" })).EnsureSuccessStatusCode();
        }

        var received = await subscription.ReceivedAsync(10);
        var events = received.Select(r => r.EventId).ToList();
        Assert.Equal(10, events.Count);
        Assert.Equal(events.Order().Distinct(), events);
        Assert.All(received, r => Assert.True(r.Verified));
    }
}
