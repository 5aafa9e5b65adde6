using System.Globalization;
using System.Text.Json;
using CleanUser.Infrastructure.Webhooks;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.FunctionalTests.Webhooks;

/// <summary>
/// A <see cref="WebhookReceiver"/> registered with <c>webhook add --json</c> on a running service, verifying with the
/// secret the verb printed. Disposing removes the endpoint (<c>webhook remove</c>) and stops the receiver.
/// </summary>
public sealed class Subscription : IAsyncDisposable
{
    private Subscription(TestApp app, WebhookReceiver receiver, long endpointId)
    {
        App = app;
        Receiver = receiver;
        EndpointId = endpointId;
    }

    public TestApp App { get; }

    public WebhookReceiver Receiver { get; }

    public long EndpointId { get; }

    public string Id => EndpointId.ToString(CultureInfo.InvariantCulture);

    public static async Task<Subscription> StartAsync(TestApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var receiver = await WebhookReceiver.StartAsync();
        var (exitCode, output, error) = await app.RunVerbAsync("webhook", "add", "--target", receiver.Target.AbsoluteUri, "--json");
        Assert.True(exitCode == 0, error);
        using var added = JsonDocument.Parse(output);
        receiver.Secret = added.RootElement.GetProperty("secret").GetString()!;
        return new Subscription(app, receiver, added.RootElement.GetProperty("id").GetInt64());
    }

    /// <summary>Waits until every committed event is fanned out and nothing is left to send to this endpoint.</summary>
    public Task SettledAsync() => Eventually.TrueAsync(() => App.QueryAsync(async db =>
            !await db.OutboxMessages.AnyAsync(m => m.ProcessedAt == null) &&
            !await db.Set<WebhookDelivery>().AnyAsync(d => d.EndpointId == EndpointId && d.State == WebhookDeliveryState.Pending)),
        "every event fanned out and sent");

    /// <summary>The receiver's requests once <paramref name="count"/> have come and everything has settled.</summary>
    public async Task<IReadOnlyList<Received>> ReceivedAsync(int count)
    {
        await Eventually.TrueAsync(() => Receiver.Requests.Count >= count, $"{count} requests at the receiver");
        await SettledAsync();
        return Receiver.Requests;
    }

    /// <summary><c>webhook deliveries ID --json</c>: the attempts, newest first.</summary>
    public async Task<JsonElement> AttemptsAsync()
    {
        var (exitCode, output, error) = await App.RunVerbAsync("webhook", "deliveries", Id, "--json");
        Assert.True(exitCode == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        await App.RunVerbAsync("webhook", "remove", Id);
        await Receiver.DisposeAsync();
    }
}
