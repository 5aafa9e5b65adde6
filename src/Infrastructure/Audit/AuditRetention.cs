using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Audit;

/// <summary>
/// Deletes audit entries older than <c>Audit:RetentionDays</c> (<c>0</c>: none), at start and then every
/// <see cref="SweepInterval"/>. A batch of at most <see cref="BatchSize"/> rows per transaction — on SQLite one short turn
/// of this process's writers each — so a large backlog never holds the write lock for long. Several instances may sweep
/// at once: a row is deleted once whoever gets to it.
/// </summary>
public sealed partial class AuditRetention(
    IServiceScopeFactory scopes,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditRetention> logger) : BackgroundService
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);

    public const int BatchSize = 500;

    /// <summary>Deletes every entry older than the retention period, batch by batch; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RetentionDays == 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(options.Value.RetentionDays);
        var total = 0;
        int deleted;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
            deleted = await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().ExecuteInTransactionAsync(ct =>
                db.Set<AuditEntry>().Where(e => e.At < cutoff).OrderBy(e => e.At).Take(BatchSize).ExecuteDeleteAsync(ct),
                cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == BatchSize);

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionDays == 0)
        {
            return;
        }

        // Let the host finish starting first.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                LogPruned(logger, await PruneAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The database may be briefly unavailable; the next sweep tries again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogPruneFailed(logger, exception);
            }

            try
            {
                await Task.Delay(SweepInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Deleted {Count} audit entries past Audit:RetentionDays")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(LogLevel.Error, "Deleting old audit entries failed; trying again after the sweep interval")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
