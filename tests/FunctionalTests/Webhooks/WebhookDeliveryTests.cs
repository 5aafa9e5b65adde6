using System.Text.Json;
using System.Text.Json.Nodes;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Webhooks;

/// <summary>The service with a short retry schedule (0.05 s, then 0.0025 s, …) and image URLs on a fixed base, as GET shows them.</summary>
public sealed class WebhookTestApp : IDisposable
{
    public TestApp App { get; } = TestApp.With(new TestAppOptions
    {
        Settings = new Dictionary<string, string>
        {
            ["Webhooks:RetryBaseSeconds"] = "0.05",
            ["Media:PublicBaseUrl"] = "http://localhost/",
        },
    });

    public void Dispose() => App.Dispose();
}

/// <summary>
/// docs/webhooks.md: committed profile changes reach a real receiver, signed, in commit order, retried, and recorded —
/// checked by a receiver that verifies signatures as SelfCommunity's docs describe.
/// </summary>
public sealed class WebhookDeliveryTests(WebhookTestApp fixture) : IClassFixture<WebhookTestApp>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task A_patch_sends_one_signed_user_updated_whose_data_is_the_user_as_get_returns_it()
    {
        await using var subscription = await Subscription.StartAsync(_app);
        var id = await _app.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var client = _app.ClientFor(id);

        (await client.PatchJsonAsync(id, new { bio = "Now with webhooks" })).EnsureSuccessStatusCode();

        var received = Assert.Single(await subscription.ReceivedAsync(1));
        Assert.True(received.Verified, $"signature {received.Signature} did not verify");
        Assert.Equal("application/json", received.ContentType?.Split(';')[0]);
        var body = received.Json;
        Assert.Equal(["event_id", "type", "created", "data"], body.EnumerateObject().Select(p => p.Name));
        Assert.True(body.GetProperty("event_id").TryGetInt64(out var eventId) && eventId > 0);
        Assert.Equal("user.updated", body.GetProperty("type").GetString());
        var created = DateTimeOffset.UnixEpoch.AddSeconds(body.GetProperty("created").GetDouble());
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        var get = await (await _app.Client().GetUserAsync(id)).ReadUserAsync();
        Assert.Equal("Now with webhooks", get.GetProperty("bio").GetString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(get.GetRawText()), JsonNode.Parse(body.GetProperty("data").GetRawText())),
            $"data {body.GetProperty("data")} is not GET's {get}");
    }

    [Fact]
    public async Task A_no_op_patch_sends_nothing()
    {
        await using var subscription = await Subscription.StartAsync(_app);
        var id = await _app.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var client = _app.ClientFor(id);

        (await client.PatchJsonAsync(id, new { })).EnsureSuccessStatusCode();
        (await client.PatchJsonAsync(id, new { bio = UserBuilder.Full.Bio })).EnsureSuccessStatusCode();
        await subscription.SettledAsync();
        (await client.PatchJsonAsync(id, new { bio = "changed" })).EnsureSuccessStatusCode();

        var received = Assert.Single(await subscription.ReceivedAsync(1));
        Assert.Equal("changed", received.Json.GetProperty("data").GetProperty("bio").GetString());
    }

    [Fact]
    public async Task A_receiver_failing_twice_gets_the_event_on_the_third_attempt_and_deliveries_shows_all_three()
    {
        await using var subscription = await Subscription.StartAsync(_app);
        subscription.Receiver.AnswerNext(500, 500);
        var id = await _app.CreateUserAsync();

        (await _app.ClientFor(id).PatchJsonAsync(id, new { real_name = "Third Time" })).EnsureSuccessStatusCode();

        var received = await subscription.ReceivedAsync(3);
        Assert.Equal([500, 500, 200], received.Select(r => r.Answered));
        Assert.All(received, r => Assert.True(r.Verified));
        Assert.Single(received.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        var attempts = await subscription.AttemptsAsync();
        Assert.Equal([3, 2, 1], attempts.EnumerateArray().Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.All(attempts.EnumerateArray(), a => Assert.Equal(received[0].EventId, a.GetProperty("event_id").GetInt64()));
        Assert.Equal([200, 500, 500], attempts.EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
        Assert.Equal([true, false, false], attempts.EnumerateArray().Select(a => a.GetProperty("succeeded").GetBoolean()));
        Assert.Equal([JsonValueKind.Null, JsonValueKind.String, JsonValueKind.String],
            attempts.EnumerateArray().Select(a => a.GetProperty("retry_at").ValueKind));
        Assert.Equal("HTTP 500", attempts[2].GetProperty("error").GetString());

        var (exitCode, text, _) = await _app.RunVerbAsync("webhook", "deliveries", subscription.Id);
        Assert.Equal(0, exitCode);
        Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => line.StartsWith($"event {received[0].EventId}\t", StringComparison.Ordinal)));

        // Failed attempts are logged (a warning each), by endpoint id: never the secret.
        Assert.DoesNotContain(_app.Log.Lines, line => line.Message.Contains(subscription.Receiver.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirect_is_a_failed_attempt_and_is_not_followed()
    {
        await using var subscription = await Subscription.StartAsync(_app);
        subscription.Receiver.AnswerNext(301);
        var id = await _app.CreateUserAsync();

        (await _app.ClientFor(id).PatchJsonAsync(id, new { location = "Moved" })).EnsureSuccessStatusCode();

        var received = await subscription.ReceivedAsync(2);
        Assert.Equal([301, 200], received.Select(r => r.Answered));
        Assert.Equal(0, subscription.Receiver.RedirectsFollowed);
        var attempts = await subscription.AttemptsAsync();
        Assert.Equal([200, 301], attempts.EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
        Assert.False(attempts[1].GetProperty("succeeded").GetBoolean());
    }

    [Fact]
    public async Task Twenty_rapid_patches_of_one_user_arrive_in_commit_order_even_while_the_first_is_retried()
    {
        await using var subscription = await Subscription.StartAsync(_app);
        subscription.Receiver.AnswerNext(503);
        var id = await _app.CreateUserAsync();
        using var client = _app.ClientFor(id);

        for (var i = 1; i <= 20; i++)
        {
            (await client.PatchJsonAsync(id, new { bio = $"edit {i}" })).EnsureSuccessStatusCode();
        }

        var received = await subscription.ReceivedAsync(21);
        var order = received.Select(r => r.EventId).ToList();
        Assert.Equal(order.Order(), order);
        var delivered = received.Where(r => r.Delivered).Select(r => r.EventId).ToList();
        Assert.Equal(20, delivered.Distinct().Count());
        Assert.Equal(21, received.Count);
        Assert.Equal("edit 20", received[^1].Json.GetProperty("data").GetProperty("bio").GetString());
    }

    [Fact]
    public async Task Resend_queues_the_event_again_with_the_same_event_id_and_body()
    {
        await using var subscription = await Subscription.StartAsync(_app);
        var id = await _app.CreateUserAsync();
        (await _app.ClientFor(id).PatchJsonAsync(id, new { description = "Resent" })).EnsureSuccessStatusCode();
        var first = Assert.Single(await subscription.ReceivedAsync(1));

        var (exitCode, output, error) = await _app.RunVerbAsync("webhook", "resend", first.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.True(exitCode == 0, error);
        using var printed = JsonDocument.Parse(output);
        Assert.Equal(first.EventId, printed.RootElement.GetProperty("event_id").GetInt64());
        Assert.Contains(subscription.EndpointId, printed.RootElement.GetProperty("endpoints").EnumerateArray().Select(e => e.GetInt64()));
        var received = await subscription.ReceivedAsync(2);
        Assert.Equal(2, received.Count);
        Assert.Equal(first.Body, received[1].Body);
        Assert.True(received[1].Verified);
    }

    [Fact]
    public async Task After_rotate_secret_deliveries_are_signed_with_the_new_secret_only()
    {
        await using var subscription = await Subscription.StartAsync(_app);
        var oldSecret = subscription.Receiver.Secret;

        var (exitCode, output, error) = await _app.RunVerbAsync("webhook", "rotate-secret", subscription.Id, "--json");

        Assert.True(exitCode == 0, error);
        var newSecret = JsonDocument.Parse(output).RootElement.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        var id = await _app.CreateUserAsync();
        (await _app.ClientFor(id).PatchJsonAsync(id, new { bio = "rotated" })).EnsureSuccessStatusCode();
        var received = Assert.Single(await subscription.ReceivedAsync(1));
        Assert.False(received.Verified);
        Assert.True(WebhookReceiver.Verify(received.Signature, received.Body, newSecret, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_removed_endpoint_gets_nothing_while_an_active_one_gets_the_event()
    {
        await using var removed = await Subscription.StartAsync(_app);
        await using var active = await Subscription.StartAsync(_app);
        var (exitCode, _, error) = await _app.RunVerbAsync("webhook", "remove", removed.Id);
        Assert.True(exitCode == 0, error);
        var id = await _app.CreateUserAsync();

        (await _app.ClientFor(id).PatchJsonAsync(id, new { bio = "only to the active one" })).EnsureSuccessStatusCode();

        Assert.Single(await active.ReceivedAsync(1));
        Assert.Empty(removed.Receiver.Requests);
        var (_, list, _) = await _app.RunVerbAsync("webhook", "list", "--json");
        var listed = JsonDocument.Parse(list).RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == removed.EndpointId);
        Assert.False(listed.GetProperty("is_active").GetBoolean());
    }
}
