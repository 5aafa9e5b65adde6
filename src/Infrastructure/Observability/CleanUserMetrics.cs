using System.Data.Common;
using System.Diagnostics.Metrics;
using CleanUser.Application.Common.Observability;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.Infrastructure.Observability;

/// <summary>
/// docs/operations.md#observability: the service's own metrics, on the meter <c>CleanUser</c>. The outbox gauges read
/// the database when they are collected (a scrape, an export): two aggregate queries over the pending rows, which the
/// partial index <c>IX_OutboxMessages_Pending</c> covers. The counters are incremented where their event happens.
/// </summary>
public sealed class CleanUserMetrics
{
    public const string OutboxBacklogInstrument = "cleanuser.outbox.backlog";
    public const string OutboxOldestPendingAgeInstrument = "cleanuser.outbox.oldest_pending_age";
    public const string WebhookDeliveriesInstrument = "cleanuser.webhook.deliveries";
    public const string ThrottledInstrument = "cleanuser.requests.throttled";

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Counter<long> _throttled;

    public CleanUserMetrics(IMeterFactory meterFactory, IServiceScopeFactory scopes, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _scopes = scopes;
        _time = time;
        var meter = meterFactory.Create(CleanUserTelemetry.Name);
        meter.CreateObservableGauge(OutboxBacklogInstrument, Backlog, unit: "{message}",
            description: "Outbox messages not yet processed (delivered, or given up on).");
        meter.CreateObservableGauge(OutboxOldestPendingAgeInstrument, OldestPendingAge, unit: "s",
            description: "Age of the oldest outbox message not yet processed; 0 when there is none.");
        _webhookDeliveries = meter.CreateCounter<long>(WebhookDeliveriesInstrument, unit: "{delivery}",
            description: "Webhook delivery attempts, by outcome.");
        _throttled = meter.CreateCounter<long>(ThrottledInstrument, unit: "{request}",
            description: "Requests refused with 429 by a rate limit.");
    }

    /// <param name="outcome">What became of one delivery attempt, e.g. <c>delivered</c>, <c>failed</c>, <c>given_up</c>.</param>
    public void RecordWebhookDelivery(string outcome) => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordThrottled() => _throttled.Add(1);

    private Measurement<long>[] Backlog() => TryRead(pending => pending.LongCount(), out var count) ? [new(count)] : [];

    private Measurement<double>[] OldestPendingAge() =>
        TryRead(pending => pending.Min(m => (DateTime?)m.CreatedAt), out var oldest)
            ? [new(oldest is { } created ? Math.Max(0, (_time.GetUtcNow().UtcDateTime - created).TotalSeconds) : 0)]
            : [];

    /// <summary>Runs <paramref name="read"/> over the pending rows; false (no measurement) when the database cannot answer now.</summary>
    private bool TryRead<T>(Func<IQueryable<Outbox.OutboxMessage>, T> read, out T value)
    {
        try
        {
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
            value = read(db.OutboxMessages.AsNoTracking().Where(m => m.ProcessedAt == null));
            return true;
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
