using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Webhooks;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Webhooks;

/// <summary>
/// An outbox round reads the webhook endpoints once, at its first row (docs/adr/0028-webhook-endpoints-per-round.md): an
/// endpoint added shows from the next round, and a delivery queued for an endpoint removed since is never sent. The
/// rounds run here, one at a time, with no background dispatcher; the endpoint's address answers nothing.
/// </summary>
public sealed class WebhookRoundTests : IDisposable
{
    private static readonly Uri Nowhere = new("http://127.0.0.1:9/hook");

    private readonly TestApp _app = TestApp.With(new TestAppOptions { Outbox = false });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task An_endpoint_added_after_a_round_gets_the_changes_of_the_next_round()
    {
        var id = await _app.CreateUserAsync();
        await PatchAsync(id, "before the endpoint");
        await RoundAsync();
        var endpoint = await InScopeAsync(s => s.GetRequiredService<WebhookEndpoints>()
            .AddAsync(Nowhere, [WebhookEventTypes.UserUpdated], null, CancellationToken.None));

        await PatchAsync(id, "after the endpoint");
        await RoundAsync();

        var deliveries = await _app.QueryAsync(db => db.Set<WebhookDelivery>().AsNoTracking().ToListAsync());
        Assert.Equal(endpoint.Id, Assert.Single(deliveries).EndpointId);
    }

    [Fact]
    public async Task A_delivery_queued_for_an_endpoint_removed_since_is_never_sent()
    {
        var id = await _app.CreateUserAsync();
        var endpoint = await InScopeAsync(s => s.GetRequiredService<WebhookEndpoints>()
            .AddAsync(Nowhere, [WebhookEventTypes.UserUpdated], null, CancellationToken.None));
        await InScopeAsync(s => s.GetRequiredService<WebhookEndpoints>().RemoveAsync(endpoint.Id, CancellationToken.None));
        // What a round that read the endpoints before the removal queues for a later row.
        await InScopeAsync(async s =>
        {
            await s.GetRequiredService<WebhookDeliveries>().QueueAsync(
                WebhookEvent.Create(1, WebhookEventTypes.UserUpdated, id, DateTimeOffset.UtcNow, "{}"), [endpoint.Id], CancellationToken.None);
            return true;
        });

        var round = await _app.Services.GetRequiredService<WebhookSender>().DeliverDueAsync(CancellationToken.None);

        Assert.Equal(0, round.Claimed);
        Assert.False(await _app.QueryAsync(db => db.Set<WebhookAttempt>().AnyAsync()), "an attempt was made");
    }

    private async Task PatchAsync(long id, string bio) =>
        await _app.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", bio))), Caller.System);

    private Task<int> RoundAsync() => _app.Services.GetRequiredService<OutboxDelivery>().DeliverDueAsync(CancellationToken.None);

    private async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }
}
