using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Observability;
using CleanUser.Infrastructure.Observability;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// One round of webhook delivery (docs/adr/0020-webhooks.md): claim the due deliveries, POST each signed, record each
/// attempt. A delivery is due when its time has come, nobody holds a live lease on it, no earlier event of the same user
/// to the same endpoint is still pending, and no earlier event still waits for its fan-out — so each endpoint sees a
/// user's events in commit order. Claiming is a conditional UPDATE with a lease, as in the outbox: of several instances
/// only one sends a delivery at a time, and the lease of one that died runs out.
/// </summary>
public sealed partial class WebhookSender(
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    IOptions<WebhookOptions> options,
    IOptions<OutboxOptions> outboxOptions,
    TimeProvider time,
    CleanUserMetrics metrics,
    ILogger<WebhookSender> logger)
{
    /// <summary>The named <see cref="HttpClient"/>: no redirects, no cookies, the timeout of <see cref="WebhookOptions"/>.</summary>
    public const string HttpClientName = "webhooks";

    /// <summary>Sends the due deliveries of one batch, all at once; says how many it claimed and whether some waited for a fan-out.</summary>
    public async Task<WebhookRound> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var outbox = outboxOptions.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var now = time.GetUtcNow().UtcDateTime;

        var candidates = await Claimable(db, now)
            .OrderBy(d => d.EventId).ThenBy(d => d.Id)
            .Select(d => new { d.Id, d.EventId })
            .Take(outbox.BatchSize)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0)
        {
            return new WebhookRound(0, WaitingForFanOut: false);
        }

        // A user's later event may be fanned out before an earlier one (another instance has its outbox row): it waits
        // until every earlier row is fanned out. Its own row may still be unmarked, hence "<=".
        var firstUnfannedOut = await db.OutboxMessages
            .Where(m => m.Type == WebhookEventTypes.UserUpdatedOutboxType && m.ProcessedAt == null && m.Attempts < outbox.MaxAttempts)
            .MinAsync(m => (long?)m.Id, cancellationToken).ConfigureAwait(false);
        var due = candidates.Where(c => firstUnfannedOut is not { } first || c.EventId <= first).Select(c => c.Id).ToList();
        var waiting = due.Count < candidates.Count;
        if (due.Count == 0)
        {
            return new WebhookRound(0, waiting);
        }

        var claim = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        var leaseEnd = now + options.Value.Timeout + outbox.LeaseDuration;
        // A write, so in a turn of this process's writers like every other: on SQLite, sent straight to the database it
        // would meet a command's transaction on the lock and one of them would sleep in the busy retry.
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().ExecuteInTransactionAsync(ct => Claimable(db, now)
            .Where(d => due.Contains(d.Id))
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.LockedUntil, leaseEnd)
                .SetProperty(d => d.LockedBy, claim), ct), cancellationToken).ConfigureAwait(false);
        var claimed = await db.Set<WebhookDelivery>()
            .Where(d => d.LockedBy == claim && d.State == WebhookDeliveryState.Pending)
            .Select(d => new Claimed(d.Id, d.EventId, d.EndpointId, d.Attempts, d.Endpoint.Target, d.Endpoint.Secret, d.Event.Body))
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        await Task.WhenAll(claimed.Select(delivery => SendAsync(delivery, claim, cancellationToken))).ConfigureAwait(false);
        return new WebhookRound(claimed.Count, waiting);
    }

    /// <summary>When the earliest delivery waiting out a back-off becomes due, if any.</summary>
    public async Task<DateTimeOffset?> NextAttemptAtAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var next = await db.Set<WebhookDelivery>()
            .Where(d => d.State == WebhookDeliveryState.Pending && d.NextAttemptAt > now)
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => (DateTime?)d.NextAttemptAt)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return next is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>
    /// Deletes the events made more than <see cref="WebhookOptions.RetentionDays"/> ago that have nothing left to send,
    /// with their deliveries and attempts; returns how many events.
    /// </summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.RetentionDays;
        if (days == 0)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(days);
        return await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().ExecuteInTransactionAsync(async ct =>
        {
            // Each delete goes from the events past the cutoff to the rows that hang on them, by index (IN, not a
            // correlated EXISTS, which made the database read every delivery and attempt).
            // A delivery still pending for a removed endpoint is never sent (Claimable): nothing left to send.
            var expired = db.Set<WebhookEvent>().Where(e => e.CreatedAt < cutoff &&
                !db.Set<WebhookDelivery>().Any(d => d.EventId == e.Id && d.State == WebhookDeliveryState.Pending && d.Endpoint.IsActive));
            var deliveries = db.Set<WebhookDelivery>().Where(d => expired.Select(e => e.Id).Contains(d.EventId));
            await db.Set<WebhookAttempt>().Where(a => deliveries.Select(d => d.Id).Contains(a.DeliveryId)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            await deliveries.ExecuteDeleteAsync(ct).ConfigureAwait(false);
            return await expired.ExecuteDeleteAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Due, not held by a live lease, no earlier event of the same user pending for the same endpoint, and the endpoint
    /// still active: a fan-out may queue a delivery for an endpoint removed since it read the endpoints (an outbox round
    /// reads them once, docs/adr/0028-webhook-endpoints-per-round.md), and nothing is sent to a removed endpoint.
    /// </summary>
    private static IQueryable<WebhookDelivery> Claimable(CleanUserDbContext db, DateTime now) =>
        db.Set<WebhookDelivery>().Where(d =>
            d.State == WebhookDeliveryState.Pending && d.Endpoint.IsActive && d.NextAttemptAt <= now &&
            (d.LockedUntil == null || d.LockedUntil < now) &&
            !db.Set<WebhookDelivery>().Any(earlier =>
                earlier.EndpointId == d.EndpointId && earlier.UserId == d.UserId &&
                earlier.EventId < d.EventId && earlier.State == WebhookDeliveryState.Pending));

    private async Task SendAsync(Claimed delivery, string claim, CancellationToken cancellationToken)
    {
        // docs/operations.md#observability: a span per attempt; the HttpClient's own span is its child.
        using var span = CleanUserTelemetry.Source.StartActivity("webhook delivery", ActivityKind.Client);
        span?.SetTag("cleanuser.webhook.event_id", delivery.EventId);
        span?.SetTag("cleanuser.webhook.endpoint_id", delivery.EndpointId);
        span?.SetTag("cleanuser.webhook.attempt", delivery.Attempts + 1);
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        var started = time.GetTimestamp();
        int? status = null;
        string? error;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Target) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName,
                WebhookSignature.Header(delivery.Secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
            using var response = await clients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null
                : status is >= 300 and < 400 ? $"HTTP {status}: redirects are not followed"
                : $"HTTP {status}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"No answer within {options.Value.TimeoutSeconds} s";
        }
        catch (HttpRequestException exception)
        {
            error = exception.Message;
        }

        var outcome = await RecordAsync(delivery, claim, status, error, time.GetElapsedTime(started)).ConfigureAwait(false);
        span?.SetTag(CleanUserTelemetry.OutcomeTag, outcome);
        if (error is not null)
        {
            span?.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    /// <summary>
    /// The attempt and the delivery's next state, together, as long as this round still holds the delivery. Returns the
    /// outcome counted in <c>cleanuser.webhook.deliveries</c>: <c>delivered</c>, <c>retrying</c> or <c>failed</c>.
    /// </summary>
    private async Task<string> RecordAsync(Claimed delivery, string claim, int? status, string? error, TimeSpan duration)
    {
        var settings = options.Value;
        var attempt = delivery.Attempts + 1;
        var now = time.GetUtcNow().UtcDateTime;
        var state = error is null ? WebhookDeliveryState.Delivered
            : attempt > WebhookOptions.Retries ? WebhookDeliveryState.Failed
            : WebhookDeliveryState.Pending;
        DateTime? retryAt = state == WebhookDeliveryState.Pending ? now + settings.RetryDelay(attempt) : null;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        // Not the round's token: an attempt that was made is recorded, shutting down or not.
        await unitOfWork.ExecuteInTransactionAsync(async ct =>
        {
            var held = await db.Set<WebhookDelivery>()
                .Where(d => d.Id == delivery.Id && d.LockedBy == claim && d.State == WebhookDeliveryState.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.State, state)
                    .SetProperty(d => d.Attempts, attempt)
                    .SetProperty(d => d.NextAttemptAt, retryAt ?? now)
                    .SetProperty(d => d.LockedUntil, (DateTime?)null)
                    .SetProperty(d => d.LockedBy, (string?)null), ct).ConfigureAwait(false);
            if (held == 1)
            {
                db.Add(WebhookAttempt.Record(delivery.Id, delivery.EventId, delivery.EndpointId, attempt, now, status,
                    error is null, duration, error, retryAt));
                await unitOfWork.SaveChangesAsync(ct).ConfigureAwait(false);
            }

            return held;
        }, CancellationToken.None).ConfigureAwait(false);

        string outcome;
        if (error is null)
        {
            LogDelivered(logger, delivery.EventId, delivery.EndpointId, attempt);
            outcome = "delivered";
        }
        else if (retryAt is { } next)
        {
            LogRetrying(logger, delivery.EventId, delivery.EndpointId, attempt, error, next);
            outcome = "retrying";
        }
        else
        {
            LogFailed(logger, delivery.EventId, delivery.EndpointId, attempt, error);
            outcome = "failed";
        }

        metrics.RecordWebhookDelivery(outcome);
        return outcome;
    }

    private sealed record Claimed(long Id, long EventId, long EndpointId, int Attempts, string Target, string Secret, string Body);

    // Endpoint ids, never targets (a query may carry a token), secrets or bodies (docs/security.md#webhooks).
    [LoggerMessage(LogLevel.Debug, "Webhook event {EventId} delivered to endpoint {EndpointId} on attempt {Attempt}")]
    private static partial void LogDelivered(ILogger logger, long eventId, long endpointId, int attempt);

    [LoggerMessage(LogLevel.Warning, "Webhook event {EventId} to endpoint {EndpointId} failed on attempt {Attempt} ({Error}); next attempt at {RetryAt:O}")]
    private static partial void LogRetrying(ILogger logger, long eventId, long endpointId, int attempt, string error, DateTime retryAt);

    [LoggerMessage(LogLevel.Error, "Webhook event {EventId} to endpoint {EndpointId} failed on attempt {Attempt} ({Error}), the last; recorded as failed")]
    private static partial void LogFailed(ILogger logger, long eventId, long endpointId, int attempt, string error);
}

/// <summary>What a round of <see cref="WebhookSender"/> did.</summary>
/// <param name="Claimed">Deliveries it sent.</param>
/// <param name="WaitingForFanOut">Whether a due delivery waited for an earlier event's fan-out, which is only moments away.</param>
public sealed record WebhookRound(int Claimed, bool WaitingForFanOut);
