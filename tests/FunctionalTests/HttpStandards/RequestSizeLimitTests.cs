using System.Net;
using System.Net.Http.Headers;
using CleanUser.FunctionalTests.Infrastructure;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>SPEC §7: the whole request body is capped at 16 MiB → 413 request_too_large, and nothing changes.</summary>
public sealed class RequestSizeLimitTests : IDisposable
{
    private const int OverLimit = 17 * 1024 * 1024;
    private readonly KestrelCleanUserFactory _factory = new();

    [Fact]
    public async Task A_json_body_over_16_MiB_is_413_and_changes_nothing()
    {
        var id = await _factory.CreateUserAsync();
        var before = await _factory.ReadUserAsync(id);
        using var client = _factory.SocketClientFor(id);

        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(Api.UserPath(id), UriKind.Relative))
        {
            Content = Api.Raw($"{{\"bio\": \"{new string('x', OverLimit)}\"}}", "application/json"),
        };
        // The declared length is over the limit: with 100-continue the server can refuse before the body is sent.
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request);

        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        Assert.Equal(before, await _factory.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_multipart_body_over_16_MiB_sent_in_chunks_is_413_and_changes_nothing()
    {
        var id = await _factory.CreateUserAsync();
        var before = await _factory.ReadUserAsync(id);
        using var client = _factory.SocketClientFor(id);
        using var file = new StreamContent(new MemoryStream(new byte[OverLimit]));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var form = new MultipartFormDataContent { { new StringContent("Big"), "bio" }, { file, "avatar", "big.png" } };
        // No Content-Length: Kestrel can only find out while reading.
        form.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(Api.UserPath(id), UriKind.Relative)) { Content = form };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request);

        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        Assert.Equal(before, await _factory.ReadUserAsync(id));
    }

    public void Dispose() => _factory.Dispose();
}
