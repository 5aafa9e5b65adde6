using System.Threading.RateLimiting;
using CleanUser.Application.Common.Exceptions;

namespace CleanUser.Infrastructure.Common;

/// <summary>
/// Slots for work that costs a lot of memory or processor time: at most <paramref name="permits"/> run at once and at
/// most <paramref name="queued"/> wait in line, oldest first. One more is refused at once with 503 and
/// <c>Retry-After</c> (<paramref name="busyMessage"/>): a burst never makes anyone wait without end, nor eats the memory.
/// </summary>
public abstract class BoundedSlots(int permits, int queued, string busyMessage) : IDisposable
{
    private readonly ConcurrencyLimiter _slots = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = permits,
        QueueLimit = queued,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>How many wait in line for a slot now (for diagnostics).</summary>
    public long Waiting => _slots.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Waits in line for a slot and holds it until the result is disposed; throws when the line is full.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        var slot = await _slots.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (slot.IsAcquired)
        {
            return slot;
        }

        slot.Dispose();
        throw new ServiceUnavailableException(busyMessage);
    }

    public void Dispose()
    {
        _slots.Dispose();
        GC.SuppressFinalize(this);
    }
}
