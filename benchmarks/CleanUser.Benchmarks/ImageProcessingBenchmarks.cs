using BenchmarkDotNet.Attributes;
using CleanUser.Application.Common.Media;
using CleanUser.Infrastructure.Media;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace CleanUser.Benchmarks;

/// <summary>
/// Image processing (docs/images.md#checks) of a 12-megapixel photo: time and managed allocation per
/// upload. JPEG decodes downsampled (1/4 for an avatar, 1/2 for a cover); PNG cannot, so it shows the cost the
/// downsampling avoids. The bomb row is the header-only refusal of a 20 000 × 20 000 PNG.
/// The 4000 × 1000 row is a wide banner, the usual shape of a cover.
/// </summary>
[MemoryDiagnoser]
public class ImageProcessingBenchmarks
{
    private SkiaImageProcessor _processor = null!;
    private ServiceProvider _services = null!;
    private byte[] _jpeg = [];
    private byte[] _png = [];
    private byte[] _bomb = [];
    private byte[] _panorama = [];

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = Options.Create(new MediaOptions { MaxAvatarBytes = 64 << 20, MaxCoverBytes = 64 << 20 });
        _processor = new SkiaImageProcessor(options,
            new ImageMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), new ImageProcessingSlots(options));
        _jpeg = Photo(4000, 3000, SKEncodedImageFormat.Jpeg);
        _png = Photo(4000, 3000, SKEncodedImageFormat.Png);
        _bomb = Photo(20, 20, SKEncodedImageFormat.Png);
        _panorama = Photo(4000, 1000, SKEncodedImageFormat.Jpeg);
        // Claim 20 000 × 20 000 in the header (IHDR width/height at bytes 16..23); the pixels never get read.
        BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(20_000)).CopyTo(_bomb, 16);
        BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(20_000)).CopyTo(_bomb, 20);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task<ImageProcessingResult> Jpeg_12MP_to_avatar() => _processor.ProcessAsync(ImageUpload.FromBytes(_jpeg), ImageKind.Avatar, default);

    [Benchmark]
    public Task<ImageProcessingResult> Jpeg_12MP_to_cover() => _processor.ProcessAsync(ImageUpload.FromBytes(_jpeg), ImageKind.Cover, default);

    [Benchmark]
    public Task<ImageProcessingResult> Jpeg_4000x1000_to_cover() => _processor.ProcessAsync(ImageUpload.FromBytes(_panorama), ImageKind.Cover, default);

    [Benchmark]
    public Task<ImageProcessingResult> Png_12MP_to_avatar() => _processor.ProcessAsync(ImageUpload.FromBytes(_png), ImageKind.Avatar, default);

    [Benchmark]
    public Task<ImageProcessingResult> Png_bomb_refused_from_header() => _processor.ProcessAsync(ImageUpload.FromBytes(_bomb), ImageKind.Avatar, default);

    /// <summary>A photo-like image (gradients and noise), so the encoders cannot cheat on flat colour.</summary>
    private static byte[] Photo(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        var random = new Random(42);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)random.Next(256)));
            }
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }
}
