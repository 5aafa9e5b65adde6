using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.Infrastructure.Webhooks;

/// <summary>What the <c>webhook</c> verbs do with endpoints and their history (docs/operations.md#webhooks).</summary>
public sealed class WebhookEndpoints(CleanUserDbContext db, IUnitOfWork unitOfWork, TimeProvider time)
{
    public async Task<WebhookEndpoint> AddAsync(Uri target, IReadOnlyCollection<string> events, string? description,
        CancellationToken cancellationToken)
    {
        var endpoint = WebhookEndpoint.Create(target, events, description, time.GetUtcNow());
        db.Add(endpoint);
        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return endpoint;
    }

    public Task<List<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken) =>
        db.Set<WebhookEndpoint>().AsNoTracking().OrderBy(e => e.Id).ToListAsync(cancellationToken);

    /// <summary>Deactivates the endpoint and cancels what was still to be sent to it, together. Removing it again changes nothing.</summary>
    public Task<WebhookEndpoint> RemoveAsync(long id, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteInTransactionAsync(async ct =>
        {
            var endpoint = await FindAsync(id, ct).ConfigureAwait(false);
            endpoint.Deactivate();
            await unitOfWork.SaveChangesAsync(ct).ConfigureAwait(false);
            await db.Set<WebhookDelivery>()
                .Where(d => d.EndpointId == id && d.State == WebhookDeliveryState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, WebhookDeliveryState.Cancelled), ct).ConfigureAwait(false);
            return endpoint;
        }, cancellationToken);

    /// <summary>A new secret for an active endpoint; the old one signs nothing from now on.</summary>
    public async Task<WebhookEndpoint> RotateSecretAsync(long id, CancellationToken cancellationToken)
    {
        var endpoint = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (!endpoint.IsActive)
        {
            throw new NotFoundException("active webhook endpoint", id);
        }

        endpoint.RotateSecret();
        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return endpoint;
    }

    /// <summary>The endpoint's latest <paramref name="limit"/> attempts, newest first.</summary>
    public async Task<List<WebhookAttempt>> AttemptsAsync(long id, int limit, CancellationToken cancellationToken)
    {
        await FindAsync(id, cancellationToken).ConfigureAwait(false);
        return await db.Set<WebhookAttempt>().AsNoTracking().Where(a => a.EndpointId == id)
            .OrderByDescending(a => a.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<WebhookEndpoint> FindAsync(long id, CancellationToken cancellationToken) =>
        await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException("webhook endpoint", id);
}
