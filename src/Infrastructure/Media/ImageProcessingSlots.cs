using System.Threading.RateLimiting;
using CleanUser.Application.Common.Exceptions;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Media;

/// <summary>
/// docs/images.md#load: slots for decoding images. At most <c>Media:MaxConcurrentProcessing</c> images are decoded at
/// once — a 50-megapixel image is a 200 MB bitmap and takes a processor for a while — and at most
/// <c>Media:MaxQueuedProcessing</c> wait in line for a slot, oldest first. One more is refused at once with 503 and
/// <c>Retry-After</c>: a burst of uploads never makes anyone wait without end, nor eats the memory.
/// </summary>
public sealed class ImageProcessingSlots : IDisposable
{
    private readonly ConcurrencyLimiter _slots;

    public ImageProcessingSlots(IOptions<MediaOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _slots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.MaxConcurrentProcessing,
            QueueLimit = options.Value.MaxQueuedProcessing,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

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
        throw new ServiceUnavailableException("Too many images are being processed right now; try again shortly.");
    }

    public void Dispose() => _slots.Dispose();
}
