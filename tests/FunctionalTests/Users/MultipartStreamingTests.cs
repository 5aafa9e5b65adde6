using System.Net;
using System.Net.Http.Headers;
using CleanUser.FunctionalTests.HttpStandards;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Users;

/// <summary>
/// Multipart bodies are read as a stream (docs/api.md#request-bodies): a part that is not a field is skipped unread,
/// whatever its size; a field's part is kept only up to its limit.
/// </summary>
public sealed class MultipartStreamingTests(TestApp app) : IClassFixture<TestApp>
{
    /// <summary>Over 64 KiB even a value that would be valid once trimmed: the part is refused before it is kept.</summary>
    [Fact]
    public async Task A_text_part_longer_than_its_limit_is_400_max_length_on_its_field_and_changes_nothing()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchMultipartAsync(id, [], ("location", "Roma" + new string(' ', 64 * 1024)), ("bio", "kept?"));

        await response.AssertFieldErrorsAsync(("location", "max_length"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_base64_part_longer_than_the_encoded_image_limit_is_400_file_too_large_and_changes_nothing()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        // 4 MiB of image data is 5.4 MiB of base64: more than the 3 MiB avatar can be, with all room for white space.
        using var response = await client.PatchMultipartAsync(id, [], ("avatar_base64", Api.DataUrl(new byte[4 * 1024 * 1024])));

        await response.AssertFieldErrorsAsync(("avatar_base64", "file_too_large"));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Parts_that_are_not_fields_are_ignored_whatever_their_size()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchMultipartAsync(id,
            [("attachment", new byte[8 * 1024 * 1024], "big.bin"), ("bio", "a file where text belongs"u8.ToArray(), "bio.txt")],
            ("notes", new string('n', 1024 * 1024)), ("location", "Roma"));

        await response.ReadUserAsync();
        Assert.Equal(before.Written() with { Location = "Roma" }, await app.ReadUserAsync(id));
    }
}

/// <summary>
/// Memory: an ignored part is never buffered. Measured as the bytes the whole process allocates while the requests
/// run, so this class runs alone (<see cref="RunsAlone"/>): no other test allocates meanwhile. Over a real socket:
/// the in-memory test server buffers request bodies itself.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class MultipartMemoryTests(RealSocketApp fixture) : IClassFixture<RealSocketApp>
{
    private const int Requests = 16;
    private const int PartBytes = 16 * 1024 * 1024 - 64 * 1024; // the whole body stays under the 16 MiB cap

    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task Sixteen_concurrent_requests_with_an_ignored_16_MiB_part_all_succeed_without_buffering_it()
    {
        var id = await _app.CreateUserAsync();
        using var client = _app.ClientFor(id);
        using (var warmUp = await client.PatchAsync(id, Body("warm-up")))
        {
            await warmUp.ReadUserAsync();
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var responses = await Task.WhenAll(Enumerable.Range(0, Requests)
            .Select(i => client.PatchAsync(id, Body($"location {i}"))));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.StartsWith("location ", (await _app.ReadUserAsync(id)).Location, StringComparison.Ordinal);
        // Buffering the parts would allocate at least 16 × 16 MiB; streaming them allocates a small fraction of one.
        Assert.True(allocated < (long)PartBytes * Requests / 4,
            $"{allocated / (1024 * 1024)} MiB allocated for {Requests} requests with a {PartBytes / (1024 * 1024)} MiB ignored part each");
    }

    private static MultipartFormDataContent Body(string location)
    {
        var file = new ZeroBytes(PartBytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { new StringContent(location), "location" }, { file, "attachment", "big.bin" } };
    }

    /// <summary><paramref name="size"/> zero bytes, sent in small pieces of one shared buffer: the client allocates nothing per byte.</summary>
    private sealed class ZeroBytes(int size) : HttpContent
    {
        private static readonly byte[] Piece = new byte[16 * 1024];

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var left = size; left > 0; left -= Piece.Length)
            {
                await stream.WriteAsync(Piece.AsMemory(0, Math.Min(left, Piece.Length)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return true;
        }
    }
}

/// <summary>Tests that measure the whole process and so must not run beside any other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Allocation";
}
