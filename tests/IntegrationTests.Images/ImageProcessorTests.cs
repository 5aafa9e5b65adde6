using System.Diagnostics;
using System.Diagnostics.Metrics;
using CleanUser.Application.Common.Media;
using CleanUser.Infrastructure.Media;
using Microsoft.Extensions.Options;
using SkiaSharp;
using Xunit.Abstractions;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// The SkiaSharp processor on its own, where the path an image takes can be observed: which stage refused it,
/// whether the codec downsampled, how much this thread allocated.
/// </summary>
public sealed class ImageProcessorTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TestMeterFactory _meters = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly ImageProcessingSlots _slots = new(Options.Create(new MediaOptions()));
    private readonly SkiaImageProcessor _processor;

    public ImageProcessorTests(ITestOutputHelper output)
    {
        _output = output;
        _processor = new SkiaImageProcessor(Options.Create(new MediaOptions()), new ImageMetrics(_meters), _slots);
        // Only this test's meter: other tests in the process have processors of their own.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, _meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var values = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                values[tag.Key] = tag.Value;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, values));
            }
        });
        _listener.Start();
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_from_its_header_without_decoding_or_allocating_its_bitmap()
    {
        var bomb = TestImages.BombPng(20_000, 20_000);
        var fullBitmapBytes = 20_000L * 20_000 * 4;
        Assert.True(bomb.Length < 8 * 1024, $"the bomb is {bomb.Length} bytes");

        // Reading from memory completes synchronously, so everything the processor allocates is on this thread.
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var inspected = await _processor.InspectAsync(ImageUpload.FromBytes(bomb), ImageKind.Avatar, CancellationToken.None);
        var processed = await _processor.ProcessAsync(ImageUpload.FromBytes(bomb), ImageKind.Cover, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(ImageRules.ImageTooLarge, inspected?.Code);
        Assert.Equal(ImageRules.ImageTooLarge, processed.Violation?.Code);
        Assert.All(Refusals(), r => Assert.Equal(("image_too_large", "header"), r));
        Assert.Equal(2, Refusals().Count);
        Assert.Empty(Measured(ImageMetrics.DecodedInstrument));
        _output.WriteLine($"Managed allocation for inspecting and processing the bomb: {allocated:N0} bytes (its bitmap: {fullBitmapBytes:N0})");
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData(ImageKind.Avatar, 512, 512)]
    [InlineData(ImageKind.Cover, 1600, 1200)]
    public async Task A_12_megapixel_photo_is_decoded_downsampled(ImageKind kind, int width, int height)
    {
        var photo = TestImages.Jpeg(4000, 3000);

        var started = Stopwatch.GetTimestamp();
        var result = await _processor.ProcessAsync(ImageUpload.FromBytes(photo), kind, CancellationToken.None);
        _output.WriteLine($"12 MP JPEG ({photo.Length:N0} bytes) → {kind}: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");

        Assert.Equal((width, height), (result.Image!.Width, result.Image.Height));
        var decoded = Assert.Single(Measured(ImageMetrics.DecodedInstrument));
        Assert.Equal(true, decoded["downsampled"]);
        Assert.Equal("Jpeg", decoded["format"]);
    }

    [Theory]
    [InlineData(1, false, false)]
    [InlineData(2, false, true)]
    [InlineData(3, true, true)]
    [InlineData(4, true, false)]
    [InlineData(5, false, false)]
    [InlineData(6, false, true)]
    [InlineData(7, true, true)]
    [InlineData(8, true, false)]
    public async Task Every_exif_orientation_comes_back_upright(ushort orientation, bool markerAtBottom, bool markerAtRight)
    {
        // Stored 200×100 with the marker in the stored top-left; where it must end up follows from the EXIF table.
        var photo = TestImages.WithExif(TestImages.Jpeg(200, 100), orientation);

        var result = await _processor.ProcessAsync(ImageUpload.FromBytes(photo), ImageKind.Cover, CancellationToken.None);

        using var image = TestImages.Decode(result.Image!.Content);
        Assert.Equal(orientation >= 5 ? (100, 200) : (200, 100), (image.Width, image.Height));
        var x = markerAtRight ? image.Width - 3 : 2;
        var y = markerAtBottom ? image.Height - 3 : 2;
        Assert.True(TestImages.IsMarker(image.GetPixel(x, y)), $"marker expected at ({x}, {y})");
        Assert.True(TestImages.IsBackground(image.GetPixel(image.Width - 1 - x, image.Height - 1 - y)));
    }

    [Fact]
    public async Task An_embedded_icc_profile_is_applied_then_dropped()
    {
        var displayP3 = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Srgb, SKColorSpaceXyz.DisplayP3);
        var photo = TestImages.Jpeg(300, 300, displayP3);
        Assert.Contains((byte)0xE2, TestImages.JpegMarkers(photo));

        var result = await _processor.ProcessAsync(ImageUpload.FromBytes(photo), ImageKind.Avatar, CancellationToken.None);

        Assert.DoesNotContain((byte)0xE2, TestImages.JpegMarkers(result.Image!.Content));
        using var image = TestImages.Decode(result.Image.Content);
        Assert.True(TestImages.IsMarker(image.GetPixel(2, 2)));
    }

    [Fact]
    public async Task A_small_image_is_never_upscaled()
    {
        var result = await _processor.ProcessAsync(ImageUpload.FromBytes(TestImages.Gif(12, 7)), ImageKind.Avatar, CancellationToken.None);

        Assert.Equal((7, 7), (result.Image!.Width, result.Image.Height));
        Assert.Equal(false, Assert.Single(Measured(ImageMetrics.DecodedInstrument))["downsampled"]);
    }

    [Fact]
    public async Task A_truncated_jpeg_passes_the_header_and_is_refused_by_the_decode()
    {
        var truncated = TestImages.Jpeg(640, 480)[..1500];

        var inspected = await _processor.InspectAsync(ImageUpload.FromBytes(truncated), ImageKind.Avatar, CancellationToken.None);
        var processed = await _processor.ProcessAsync(ImageUpload.FromBytes(truncated), ImageKind.Avatar, CancellationToken.None);

        Assert.Null(inspected);
        Assert.Equal(ImageRules.InvalidImage, processed.Violation?.Code);
        Assert.Equal([("invalid_image", "decode")], Refusals());
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.Dispose();
        _slots.Dispose();
    }

    private List<(string Code, string Stage)> Refusals() =>
        Measured(ImageMetrics.RefusedInstrument).Select(t => ((string)t["code"]!, (string)t["stage"]!)).ToList();

    private List<Dictionary<string, object?>> Measured(string instrument)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Tags).ToList();
        }
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
