using CleanUser.Infrastructure.Common;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Media;

/// <summary>
/// docs/images.md#load: slots for decoding images. At most <c>Media:MaxConcurrentProcessing</c> images are decoded at
/// once — a 50-megapixel image is a 200 MB bitmap and takes a processor for a while — and at most
/// <c>Media:MaxQueuedProcessing</c> wait in line for a slot.
/// </summary>
public sealed class ImageProcessingSlots(IOptions<MediaOptions> options) : BoundedSlots(
    options.Value.MaxConcurrentProcessing, options.Value.MaxQueuedProcessing,
    "Too many images are being processed right now; try again shortly.");
