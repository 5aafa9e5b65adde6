using CleanUser.Application.Common.Media;
using CleanUser.Domain.Common;

namespace CleanUser.Application.Common.Interfaces;

/// <summary>
/// Turns an untrusted upload into an image the service is willing to store and serve (docs/api.md#images). Every check
/// that can be made without decoding pixels comes first, so a decompression bomb is refused from its header.
/// </summary>
public interface IImageProcessor
{
    /// <summary>
    /// The cheap checks only — byte size, format sniffed from the content, dimensions from the header — so they
    /// can be reported together with the other field errors. <c>null</c> when the upload passes them.
    /// </summary>
    Task<RuleViolation?> InspectAsync(ImageUpload upload, ImageKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// The same checks, then decode (downsampled where the codec can), honour EXIF orientation, crop or resize,
    /// and re-encode with no metadata. Corrupt or truncated data is refused here. Decoding is the expensive step:
    /// only a few run at once and a bounded number wait; past that, a
    /// <see cref="Exceptions.ServiceUnavailableException"/>.
    /// </summary>
    Task<ImageProcessingResult> ProcessAsync(ImageUpload upload, ImageKind kind, CancellationToken cancellationToken);
}

/// <summary>Where processed images live; keys are the names of <see cref="MediaKeys"/>.</summary>
public interface IMediaStorage
{
    /// <summary>
    /// Stores the image under <paramref name="key"/> (a new name, <see cref="MediaKeys.NewKey"/>): all of it or, when
    /// this fails, nothing. Storage that is full is a <see cref="Exceptions.ServiceUnavailableException"/>.
    /// </summary>
    Task SaveAsync(string key, ProcessedImage image, CancellationToken cancellationToken);

    /// <summary>Removes a stored image. Removing one that is not there is not an error (event handlers run at least once).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The stored image for reading, or <c>null</c> when the key names none.</summary>
    Task<MediaContent?> OpenReadAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A stored image opened for reading; whoever receives it disposes <see cref="Content"/>.</summary>
public sealed record MediaContent(Stream Content, string ContentType, long Length, DateTimeOffset LastModified);
