using CleanUser.Domain.Common;

namespace CleanUser.Application.Common.Media;

/// <summary>The error codes and limits of docs/api.md#images that hold for every image, whoever processes it.</summary>
public static class ImageRules
{
    public const string InvalidImage = "invalid_image";
    public const string FileTooLarge = "file_too_large";
    public const string ImageTooLarge = "image_too_large";

    /// <summary>Decompression-bomb guard: checked on the header, before any pixel is decoded.</summary>
    public const long MaxPixels = 50_000_000;

    public const int MaxSide = 10_000;

    public const int AvatarMaxSide = 512;

    public const int CoverMaxWidth = 1600;

    public static RuleViolation NotAnImage(string reason) => new(InvalidImage,
        $"Upload a valid image. The file you uploaded was either not an image or a corrupted image ({reason}).");

    public static RuleViolation TooManyBytes(long maxBytes) => new(FileTooLarge,
        $"The file is too large; the limit is {maxBytes / (1024 * 1024.0):0.#} MiB.");

    public static RuleViolation TooManyPixels(int width, int height) => new(ImageTooLarge,
        $"The image is {width}×{height} pixels; the limit is {MaxSide} pixels a side and {MaxPixels / 1_000_000} megapixels.");
}
