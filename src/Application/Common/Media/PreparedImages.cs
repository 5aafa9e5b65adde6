using System.Security.Cryptography;
using CleanUser.Application.Common.Interfaces;

namespace CleanUser.Application.Common.Media;

/// <summary>
/// The new images of one request, decoded and re-encoded before its write transaction begins (docs/images.md#when),
/// so that no image is ever decoded while the database is held for a write: the validation step prepares them, the
/// handler takes them. One per scope. The same bytes are processed once per request, also when JSON Patch prepares
/// the images its document sets and then sends them on, as uploads of their own, in the PATCH it makes.
/// </summary>
public sealed class PreparedImages(IImageProcessor processor)
{
    private readonly Dictionary<ImageUpload, ImageProcessingResult> _byUpload = [];
    private readonly Dictionary<(ImageKind Kind, string Sha256), ImageProcessingResult> _byContent = [];

    /// <summary>Processes <paramref name="upload"/> as <paramref name="kind"/>, unless these bytes were processed as that already.</summary>
    public async Task<ImageProcessingResult> PrepareAsync(ImageUpload upload, ImageKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (_byUpload.TryGetValue(upload, out var result))
        {
            return result;
        }

        var content = await upload.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
        var sameBytes = (kind, Convert.ToHexStringLower(SHA256.HashData(content)));
        if (!_byContent.TryGetValue(sameBytes, out result))
        {
            result = await processor.ProcessAsync(ImageUpload.FromBytes(content), kind, cancellationToken).ConfigureAwait(false);
            _byContent[sameBytes] = result;
        }

        _byUpload[upload] = result;
        return result;
    }

    /// <summary>The image <paramref name="upload"/> became. It was prepared, and accepted, before the transaction.</summary>
    public ProcessedImage Get(ImageUpload upload) =>
        _byUpload.TryGetValue(upload, out var result) && result.Image is { } image
            ? image
            : throw new InvalidOperationException("An image reached the handler unprepared: send commands through the mediator, whose validation step prepares them.");
}
