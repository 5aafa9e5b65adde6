using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanUser.Infrastructure.Idempotency;

/// <summary>
/// Deletes expired <c>Idempotency-Key</c>s in the background, every <see cref="IdempotencyOptions.SweepInterval"/>. An
/// expired key is free whether or not its row is gone, so this only reclaims space: one
/// <c>DELETE … WHERE ExpiresAt &lt;= now</c>, which several instances may run at once.
/// </summary>
public sealed partial class IdempotencyKeyExpiry(
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<IdempotencyKeyExpiry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(IdempotencyOptions.SweepInterval, time, stoppingToken).ConfigureAwait(false);
                await using var scope = scopes.CreateAsyncScope();
                var deleted = await scope.ServiceProvider.GetRequiredService<IdempotencyKeys>()
                    .DeleteExpiredAsync(stoppingToken).ConfigureAwait(false);
                LogSwept(logger, deleted);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The database may be briefly unavailable; the next sweep tries again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Deleted {Count} expired idempotency keys")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(LogLevel.Error, "Deleting expired idempotency keys failed; trying again after the sweep interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
