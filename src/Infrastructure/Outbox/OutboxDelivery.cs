using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Common.Security;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Infrastructure.Persistence.Providers;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// One round of delivery: claim due rows, publish each through MediatR in a scope of its own, record the outcomes (the
/// round's successes together, each failure on its row).
/// Claiming is a conditional UPDATE (only rows nobody holds a live lease on), so dispatchers of several instances
/// over one database never work on the same row at once. A dispatcher that dies keeps its rows only until the
/// lease ends. Delivery is at least once: a handler may see an event again, and handlers are idempotent. Every write
/// of the dispatcher takes a turn of this process's writers, as the commands' transactions do: on SQLite a command that
/// found the dispatcher holding the lock would sleep in the busy retry (docs/operations.md#sqlite) — and
/// every change writes a row (<c>UserUpdated</c>).
/// </summary>
public sealed partial class OutboxDelivery(
    IServiceScopeFactory scopes,
    IOptions<OutboxOptions> options,
    IDatabaseProvider provider,
    TimeProvider time,
    ILogger<OutboxDelivery> logger)
{
    private const int MaxErrorLength = 2000;

    /// <summary>Delivers up to one batch of due rows; returns how many rows this round claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var now = time.GetUtcNow().UtcDateTime;

        // The earliest due first, in the order of the pending rows' index (IX_OutboxMessages_Pending): ordered by Id
        // alone, SQLite chose to walk the whole table in key order, delivered rows included, to spare itself a sort.
        var due = await Pending(db, settings, now)
            .Where(m => m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => m.Id)
            .Take(settings.BatchSize)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return 0;
        }

        // The claim: the WHERE is evaluated again under the write lock, so of two racing dispatchers only one
        // sets its token on a row. The token is new every round.
        var claim = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        var leaseEnd = now + settings.LeaseDuration;
        await InTurnAsync(ct => Pending(db, settings, now)
            .Where(m => due.Contains(m.Id))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.LockedUntil, leaseEnd)
                .SetProperty(m => m.LockedBy, claim), ct), cancellationToken).ConfigureAwait(false);
        // By key: the rows of this round among those it asked for. The claim alone has no index, and a search for it
        // scanned every row the outbox keeps (delivered ones stay for OutboxOptions.Retention).
        var claimed = await db.OutboxMessages.AsNoTracking()
            .Where(m => due.Contains(m.Id) && m.LockedBy == claim && m.ProcessedAt == null)
            .OrderBy(m => m.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        // Nothing acts on a change before its commit is on disk (docs/adr/0027-group-sync.md): a handler deletes the
        // image a change replaced, and a power loss must not leave the profile pointing at a deleted file.
        await provider.WhenSyncedAsync().ConfigureAwait(false);
        var delivered = new List<OutboxMessage>(claimed.Count);
        foreach (var message in claimed)
        {
            if (await DeliverAsync(db, message, claim, settings, cancellationToken).ConfigureAwait(false))
            {
                delivered.Add(message);
            }
        }

        // The round's successes are recorded in one write: one commit (and, on SQLite, one turn and one sync) per
        // round rather than per row. A dispatcher that stops before it loses only the record, and the rows are
        // delivered again after the lease — at least once, as before. So does a round that outlives its lease (a
        // batch of handlers slower than OutboxOptions.LeaseDuration): another dispatcher may then deliver the round's
        // rows again, the delivered ones too, which a record per row would have spared. Handlers are idempotent.
        var ids = delivered.ConvertAll(m => m.Id);
        var done = time.GetUtcNow().UtcDateTime;
        if (ids.Count > 0)
        {
            await InTurnAsync(ct => db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.LockedBy == claim).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ProcessedAt, done)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.LockedUntil, (DateTime?)null)
                .SetProperty(m => m.LockedBy, (string?)null), ct), cancellationToken).ConfigureAwait(false);
        }

        foreach (var message in delivered)
        {
            LogDelivered(logger, message.Type, message.Id);
        }

        return claimed.Count;
    }

    /// <summary>When the earliest row waiting out a back-off becomes due, if any; the dispatcher wakes up then.</summary>
    public async Task<DateTimeOffset?> NextRetryAtAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var next = await Pending(db, settings, now)
            .Where(m => m.NextAttemptAt > now)
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => (DateTime?)m.NextAttemptAt)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return next is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    /// <summary>Deletes delivered rows older than the retention period.</summary>
    public async Task<int> PurgeDeliveredAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.Retention;
        return await InTurnAsync(ct => db.OutboxMessages.Where(m => m.ProcessedAt != null && m.ProcessedAt < cutoff)
            .ExecuteDeleteAsync(ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one write of the dispatcher in a turn of this process's writers.</summary>
    private async Task<int> InTurnAsync(Func<CancellationToken, Task<int>> write, CancellationToken cancellationToken)
    {
        using (await provider.EnterWriteTurnAsync(cancellationToken).ConfigureAwait(false))
        {
            return await write(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rows still to deliver, not given up on, and not held by a live lease.</summary>
    private static IQueryable<OutboxMessage> Pending(CleanUserDbContext db, OutboxOptions settings, DateTime now) =>
        db.OutboxMessages.Where(m => m.ProcessedAt == null && m.Attempts < settings.MaxAttempts &&
                                     (m.LockedUntil == null || m.LockedUntil < now));

    /// <summary>Publishes one row's event; <c>false</c> when a handler failed (recorded on the row for a retry).</summary>
    private async Task<bool> DeliverAsync(CleanUserDbContext db, OutboxMessage message, string claim, OutboxOptions settings,
        CancellationToken cancellationToken)
    {
        try
        {
            var domainEvent = OutboxEventTypes.Deserialize(message.Type, message.Payload);
            await using (var scope = scopes.CreateAsyncScope())
            {
                // Handlers run after commit, outside any request: as the system, never as the user who caused it.
                scope.ServiceProvider.GetRequiredService<CurrentCaller>().ActAs(Caller.System);
                var current = scope.ServiceProvider.GetRequiredService<CurrentOutboxMessage>();
                (current.Id, current.Round) = (message.Id, claim);
                await scope.ServiceProvider.GetRequiredService<IMediator>()
                    .Publish(DomainEventNotification.For(domainEvent), cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // Shutting down: the lease runs out and the row is delivered later, here or elsewhere.
        }
#pragma warning disable CA1031 // Any handler failure is recorded on the row and retried; it must not stop the dispatcher.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var failedAttempts = message.Attempts + 1;
            var retryAt = time.GetUtcNow().UtcDateTime + settings.RetryDelay(failedAttempts);
            var error = $"{exception.GetType().FullName}: {exception.Message}";
            error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
            await InTurnAsync(ct => Held(db, message.Id, claim).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.NextAttemptAt, retryAt)
                .SetProperty(m => m.LockedUntil, (DateTime?)null)
                .SetProperty(m => m.LockedBy, (string?)null), ct), CancellationToken.None).ConfigureAwait(false);
            LogFailed(logger, exception, message.Type, message.Id, failedAttempts, retryAt);
            return false;
        }
    }

    /// <summary>The row, as long as this round still holds it (a lease that ran out may have passed it on).</summary>
    private static IQueryable<OutboxMessage> Held(CleanUserDbContext db, long id, string claim) =>
        db.OutboxMessages.Where(m => m.Id == id && m.LockedBy == claim);

    [LoggerMessage(LogLevel.Debug, "Delivered {EventType} (outbox row {Id})")]
    private static partial void LogDelivered(ILogger logger, string eventType, long id);

    [LoggerMessage(LogLevel.Warning, "Delivering {EventType} (outbox row {Id}) failed on attempt {Attempt}; next attempt at {RetryAt:O}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string eventType, long id, int attempt, DateTime retryAt);
}
