using System.Net;
using System.Net.Http.Headers;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>The whole request body is capped at 16 MiB → 413 request_too_large, and nothing changes.</summary>
public sealed class RequestSizeLimitTests : IDisposable
{
    private const int OverLimit = 17 * 1024 * 1024;
    private readonly TestApp _app = TestApp.With(new TestAppOptions { RealSocket = true });

    [Fact]
    public async Task A_json_body_over_16_MiB_is_413_and_changes_nothing()
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);

        using var request = new HttpRequestMessage(HttpMethod.Patch, Api.UserUri(id))
        {
            Content = Api.Raw($"{{\"bio\": \"{new string('x', OverLimit)}\"}}", "application/json"),
        };
        // The declared length is over the limit: with 100-continue the server can refuse before the body is sent.
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request);

        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        Assert.Equal(before, await _app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_multipart_body_over_16_MiB_sent_in_chunks_is_413_and_changes_nothing()
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);
        using var file = new StreamContent(new MemoryStream(new byte[OverLimit]));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var form = new MultipartFormDataContent { { new StringContent("Big"), "bio" }, { file, "avatar", "big.png" } };
        // No Content-Length: Kestrel can only find out while reading.
        form.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Patch, Api.UserUri(id)) { Content = form };
        request.Headers.TransferEncodingChunked = true;

        try
        {
            var response = await client.SendAsync(request);
            await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        }
        catch (HttpRequestException exception) when (exception.InnerException is IOException)
        {
            // The server answers 413 and closes the connection while the body is still arriving (RFC 9112 §9.6); a
            // client still writing may see the reset before it reads the answer. Either way nothing may have changed.
        }

        Assert.Equal(before, await _app.ReadUserAsync(id));
    }

    public void Dispose() => _app.Dispose();
}
