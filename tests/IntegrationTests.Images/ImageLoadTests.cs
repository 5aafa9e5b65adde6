using System.Diagnostics.Metrics;
using System.Net;
using CleanUser.Infrastructure.Media;
using CleanUser.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// docs/images.md#load: images are decoded before the write transaction, in a bounded number of slots with a bounded
/// line. The tests take the slots themselves, so what waits for a decode — and what does not — is seen exactly,
/// without timing anything: while the test holds every slot, no upload can finish. The time limits only keep a broken
/// build from hanging. Run alone: the burst decodes a gigabyte of pixels and would starve the other tests.
/// </summary>
[Collection(nameof(ImageLoadTests))]
[CollectionDefinition(nameof(ImageLoadTests), DisableParallelization = true)]
public sealed class ImageLoadTests
{
    /// <summary>Far beyond what any step here needs, even on a busy machine; reaching it means something hangs.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(10);

    private const string JsonPatch = "application/json-patch+json";

    /// <summary>A PNG of 7 000 × 7 000 (49 MP, under the 50 MP limit of docs/api.md#images): about 50 KB sent, a 196 MB bitmap decoded.</summary>
    private static readonly Lazy<byte[]> Huge = new(() => TestImages.Png(7000, 7000));

    [Fact]
    public async Task During_a_burst_of_huge_uploads_another_users_patch_and_long_json_patches_are_answered_first()
    {
        // Twenty 49 MP decodes, two at a time on a busy machine, may outlast the request timeout: off, this is about order.
        var options = Slots(concurrent: 2, queued: 20);
        await using var app = TestApp.With(options with
        {
            Settings = new Dictionary<string, string>(options.Settings!) { ["Http:RequestTimeoutSeconds"] = "0" },
        });
        var slots = app.Services.GetRequiredService<ImageProcessingSlots>();
        var uploaders = await UsersAsync(app, 20);
        var patchers = await UsersAsync(app, 4);
        var bystander = await app.CreateUserAsync();
        var held = await HoldAllAsync(slots, 2);

        var finished = 0;
        var uploads = uploaders.Select(async id =>
        {
            using var client = app.ClientFor(id);
            client.Timeout = Hang;
            var response = await client.PatchFileAsync(id, "avatar", Huge.Value, "huge.png");
            Interlocked.Increment(ref finished);
            return response;
        }).ToList();
        await Eventually.TrueAsync(() => slots.Waiting == uploaders.Count, "every upload waits in line for a decode");

        var patches = patchers.Select(id => app.ClientFor(id).PatchAsync(id, Api.Json(HundredOperations(), JsonPatch))).ToList();
        var plain = await app.ClientFor(bystander).PatchJsonAsync(bystander, new { bio = "answered during the burst" })
            .WaitAsync(Hang);
        var answered = await Task.WhenAll(patches).WaitAsync(Hang);

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.All(answered, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, Volatile.Read(ref finished)); // answered before any upload: the uploads wait outside the write transaction
        Assert.Equal("answered during the burst", (await app.ReadUserAsync(bystander)).Bio);

        held.ForEach(slot => slot.Dispose());
        Assert.All(await Task.WhenAll(uploads).WaitAsync(Hang), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var id in uploaders)
        {
            Assert.True(File.Exists(app.Folder.MediaPath((await app.ReadUserAsync(id)).Avatar!)));
        }
    }

    [Fact]
    public async Task When_every_slot_and_place_in_line_is_taken_an_upload_is_503_with_retry_after_and_nothing_is_stored()
    {
        await using var app = TestApp.With(Slots(concurrent: 1, queued: 0));
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        var held = await HoldAllAsync(app.Services.GetRequiredService<ImageProcessingSlots>(), 1);

        var refused = await app.ClientFor(id).PatchMultipartAsync(id, [("avatar", TestImages.Jpeg(300, 300), "me.jpg")],
            ("bio", "not without the avatar"));

        await refused.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to try again");
        Assert.Equal(before, await app.ReadUserAsync(id));
        Assert.Empty(app.Folder.MediaFiles());

        held.ForEach(slot => slot.Dispose());
        var accepted = await app.ClientFor(id).PatchMultipartAsync(id, [("avatar", TestImages.Jpeg(300, 300), "me.jpg")],
            ("bio", "not without the avatar"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task An_image_in_a_json_patch_is_decoded_once_and_before_the_transaction()
    {
        await using var app = TestApp.With(Slots(concurrent: 1, queued: 1));
        var slots = app.Services.GetRequiredService<ImageProcessingSlots>();
        var (id, bystander) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        using var decodes = new DecodeCounter(app);
        var held = await HoldAllAsync(slots, 1);

        var upload = app.ClientFor(id).PatchAsync(id, Api.Json(new object[]
        {
            new { op = "replace", path = "/bio", value = "with a face" },
            new { op = "add", path = "/avatar_base64", value = Api.DataUrl(TestImages.Jpeg(400, 400), "image/jpeg") },
        }, JsonPatch));
        await Eventually.TrueAsync(() => slots.Waiting == 1, "the JSON Patch waits in line for its decode");
        var plain = await app.ClientFor(bystander).PatchJsonAsync(bystander, new { bio = "not held up" }).WaitAsync(Hang);

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(upload.IsCompleted);
        held.ForEach(slot => slot.Dispose());
        var user = await (await upload).ReadUserAsync();
        Assert.Equal("with a face", user.GetProperty("bio").GetString());
        Assert.True(File.Exists(app.Folder.MediaPath(Api.KeyOf(user.GetProperty("avatar").GetString()!))));
        Assert.Equal(1, decodes.Count); // the PATCH the document became found its image decoded already
    }

    private static TestAppOptions Slots(int concurrent, int queued) => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["Media:MaxConcurrentProcessing"] = concurrent.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Media:MaxQueuedProcessing"] = queued.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };

    private static async Task<List<IDisposable>> HoldAllAsync(ImageProcessingSlots slots, int count)
    {
        var held = new List<IDisposable>();
        for (var i = 0; i < count; i++)
        {
            held.Add(await slots.EnterAsync(CancellationToken.None));
        }

        return held;
    }

    private static async Task<List<long>> UsersAsync(TestApp app, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await app.CreateUserAsync());
        }

        return ids;
    }

    /// <summary>A JSON Patch of 100 valid operations on text fields.</summary>
    private static object[] HundredOperations() =>
        [.. Enumerable.Range(0, 100).Select(i => (object)(i % 2 == 0
            ? new { op = "replace", path = "/bio", value = $"bio {i}" }
            : new { op = "replace", path = "/location", value = $"place {i}" }))];

    /// <summary>Images the app decoded (<see cref="ImageMetrics.DecodedInstrument"/>), from its own meters only.</summary>
    private sealed class DecodeCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public DecodeCounter(TestApp app)
        {
            var meters = app.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == ImageMetrics.DecodedInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, (int)value));
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
