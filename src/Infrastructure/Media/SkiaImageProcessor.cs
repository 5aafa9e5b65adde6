using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Domain.Common;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace CleanUser.Infrastructure.Media;

/// <summary>
/// docs/api.md#images with SkiaSharp. The order is the defence: size before reading, format from the magic bytes before
/// any codec runs, dimensions from the header before any pixel is decoded (a 20 000 × 20 000 PNG of a few KB is
/// refused without allocating its bitmap), and then a decode that lets the codec downsample (JPEG decodes at
/// 1/8 steps, WebP at any scale) so a 12 MP photo is never fully decoded to make a 512 px avatar. Decoding waits for
/// one of the <see cref="ImageProcessingSlots"/>; everything before it is cheap.
/// </summary>
public sealed class SkiaImageProcessor(IOptions<MediaOptions> options, ImageMetrics metrics, ImageProcessingSlots slots) : IImageProcessor
{
    private const int JpegQuality = 85;

    public async Task<RuleViolation?> InspectAsync(ImageUpload upload, ImageKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (RefuseSize(upload, kind) is { } tooLarge)
        {
            return tooLarge;
        }

        var content = await upload.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
        using var image = OpenedImage.Open(content, out var violation);
        return Count(violation, "header");
    }

    public async Task<ImageProcessingResult> ProcessAsync(ImageUpload upload, ImageKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (RefuseSize(upload, kind) is { } tooLarge)
        {
            return ImageProcessingResult.Refused(tooLarge);
        }

        var content = await upload.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
        using var image = OpenedImage.Open(content, out var violation);
        if (image is null)
        {
            return ImageProcessingResult.Refused(Count(violation, "header")!);
        }

        ProcessedImage? processed;
        using (await slots.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            processed = Render(image.Codec, kind, out violation);
        }

        return processed is null
            ? ImageProcessingResult.Refused(Count(violation, "decode")!)
            : ImageProcessingResult.Success(processed);
    }

    private RuleViolation? RefuseSize(ImageUpload upload, ImageKind kind)
    {
        var max = kind == ImageKind.Avatar ? options.Value.MaxAvatarBytes : options.Value.MaxCoverBytes;
        return upload.Length > max ? Count(ImageRules.TooManyBytes(max), "size") : null;
    }

    private RuleViolation? Count(RuleViolation? violation, string stage)
    {
        if (violation is not null)
        {
            metrics.Refused(violation.Code, stage);
        }

        return violation;
    }

    private ProcessedImage? Render(SKCodec codec, ImageKind kind, out RuleViolation? violation)
    {
        violation = null;
        var full = codec.Info.Size;
        var origin = codec.EncodedOrigin;
        var upright = SwapsAxes(origin) ? new SKSizeI(full.Height, full.Width) : full;

        // Everything below is in upright pixels of the full image: what to keep, and how large it becomes.
        SKRect crop;
        SKSizeI output;
        if (kind == ImageKind.Avatar)
        {
            var side = Math.Min(upright.Width, upright.Height);
            crop = SKRect.Create((upright.Width - side) / 2f, (upright.Height - side) / 2f, side, side);
            var outSide = Math.Min(side, ImageRules.AvatarMaxSide);
            output = new SKSizeI(outSide, outSide);
        }
        else
        {
            crop = SKRect.Create(0, 0, upright.Width, upright.Height);
            var outWidth = Math.Min(upright.Width, ImageRules.CoverMaxWidth);
            output = new SKSizeI(outWidth, Math.Max(1, (int)Math.Round(upright.Height * (double)outWidth / upright.Width)));
        }

        var scale = output.Width / crop.Width;
        using var decoded = Decode(codec, scale, out var downsampled);
        if (decoded is null)
        {
            violation = ImageRules.NotAnImage("the image data is corrupt or incomplete");
            return null;
        }

        metrics.Decoded(codec.EncodedFormat.ToString(), downsampled);

        // One draw maps decoded pixels → upright → cropped → output size, so no intermediate full-size copy exists.
        var uprightDecoded = SwapsAxes(origin) ? new SKSizeI(decoded.Height, decoded.Width) : new SKSizeI(decoded.Width, decoded.Height);
        var fx = uprightDecoded.Width / (float)upright.Width;
        var fy = uprightDecoded.Height / (float)upright.Height;
        var matrix = Orientation(origin, uprightDecoded)
            .PostConcat(SKMatrix.CreateTranslation(-crop.Left * fx, -crop.Top * fy))
            .PostConcat(SKMatrix.CreateScale(output.Width / (crop.Width * fx), output.Height / (crop.Height * fy)));

        // No colour space on the output: pixels were converted to sRGB while decoding, and an output without one
        // is encoded without an ICC profile — no metadata of the upload survives (docs/api.md#images).
        using var result = new SKBitmap(new SKImageInfo(output.Width, output.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        decoded.SetImmutable();
        using (var source = SKImage.FromBitmap(decoded))
        using (var canvas = new SKCanvas(result))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.SetMatrix(matrix);
            canvas.DrawImage(source, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        var opaque = IsOpaque(result);
        using var encoded = result.Encode(opaque ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, JpegQuality);
        return opaque
            ? new ProcessedImage(encoded.ToArray(), "image/jpeg", "jpg", output.Width, output.Height)
            : new ProcessedImage(encoded.ToArray(), "image/png", "png", output.Width, output.Height);
    }

    /// <summary>
    /// Decodes the first frame at the smallest size the codec supports that still has at least
    /// <paramref name="scale"/> of the full resolution; <c>null</c> for corrupt or truncated data.
    /// </summary>
    private static SKBitmap? Decode(SKCodec codec, float scale, out bool downsampled)
    {
        var full = codec.Info.Size;
        var size = DecodeSize(codec, scale);
        downsampled = size != full;
        var bitmap = TryDecode(codec, size);
        if (bitmap is null && downsampled)
        {
            downsampled = false;
            bitmap = TryDecode(codec, full);
        }

        return bitmap;
    }

    private static SKSizeI DecodeSize(SKCodec codec, float scale)
    {
        var full = codec.Info.Size;
        if (scale >= 1)
        {
            return full;
        }

        bool BigEnough(SKSizeI size) =>
            Math.Min(size.Width / (float)full.Width, size.Height / (float)full.Height) >= scale * 0.999f;

        // JPEG scales in eighths and rounds the request down; WebP scales exactly; the others only decode in full.
        var exact = codec.GetScaledDimensions(scale);
        if (BigEnough(exact))
        {
            return exact;
        }

        for (var eighths = (int)MathF.Ceiling(scale * 8); eighths < 8; eighths++)
        {
            var size = codec.GetScaledDimensions(eighths / 8f);
            if (BigEnough(size))
            {
                return size;
            }
        }

        return full;
    }

    private static SKBitmap? TryDecode(SKCodec codec, SKSizeI size)
    {
        // Decoding into sRGB applies an embedded ICC profile, so colours stay right once the profile is dropped.
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success)
        {
            return bitmap;
        }

        // IncompleteInput too: Skia fills the missing rows with blank pixels, but a truncated upload is not an image.
        bitmap.Dispose();
        return null;
    }

    private static bool IsOpaque(SKBitmap bitmap)
    {
        var pixels = bitmap.GetPixelSpan();
        for (var alpha = 3; alpha < pixels.Length; alpha += 4)
        {
            if (pixels[alpha] != 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>
    /// Maps stored pixels to upright ones for an EXIF orientation; <paramref name="upright"/> is the upright size.
    /// x' = scaleX·x + skewX·y + transX, y' = skewY·x + scaleY·y + transY.
    /// </summary>
    private static SKMatrix Orientation(SKEncodedOrigin origin, SKSizeI upright)
    {
        float w = upright.Width, h = upright.Height;
        return origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1), // mirrored
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1), // rotated 180°
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1), // flipped
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1), // transposed
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, w, 1, 0, 0, 0, 0, 1), // needs 90° clockwise
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, w, -1, 0, h, 0, 0, 1), // transverse
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, h, 0, 0, 1), // needs 90° counter-clockwise
            _ => SKMatrix.Identity,
        };
    }

    /// <summary>The upload's bytes with a codec over them, once the format and the header have passed.</summary>
    private sealed class OpenedImage : IDisposable
    {
        private readonly SKData _data;

        private OpenedImage(SKData data, SKCodec codec)
        {
            _data = data;
            Codec = codec;
        }

        public SKCodec Codec { get; }

        public static OpenedImage? Open(byte[] content, out RuleViolation? violation)
        {
            violation = null;
            var format = Sniff(content);
            if (format is null)
            {
                violation = ImageRules.NotAnImage(content.Length == 0 ? "the file is empty" : "it is not a JPEG, PNG, GIF or WebP file");
                return null;
            }

            var data = SKData.CreateCopy(content);
            var codec = SKCodec.Create(data);
            if (codec is null || codec.EncodedFormat != format)
            {
                codec?.Dispose();
                data.Dispose();
                violation = ImageRules.NotAnImage("its header cannot be read");
                return null;
            }

            // The decompression-bomb guard: dimensions come from the header; no pixel has been decoded yet.
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (width <= 0 || height <= 0 || width > ImageRules.MaxSide || height > ImageRules.MaxSide ||
                (long)width * height > ImageRules.MaxPixels)
            {
                codec.Dispose();
                data.Dispose();
                violation = width <= 0 || height <= 0
                    ? ImageRules.NotAnImage("it has no pixels")
                    : ImageRules.TooManyPixels(width, height);
                return null;
            }

            return new OpenedImage(data, codec);
        }

        /// <summary>docs/api.md#images: the format is decided from the bytes, never from a file name or a declared type.</summary>
        private static SKEncodedImageFormat? Sniff(ReadOnlySpan<byte> content) => content switch
        {
            [0xFF, 0xD8, 0xFF, ..] => SKEncodedImageFormat.Jpeg,
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => SKEncodedImageFormat.Png,
            [0x47, 0x49, 0x46, 0x38, 0x37 or 0x39, 0x61, ..] => SKEncodedImageFormat.Gif, // GIF87a, GIF89a
            [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => SKEncodedImageFormat.Webp, // RIFF….WEBP
            _ => null,
        };

        public void Dispose()
        {
            Codec.Dispose();
            _data.Dispose();
        }
    }
}
