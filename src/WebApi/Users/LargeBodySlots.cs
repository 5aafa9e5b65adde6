using CleanUser.Infrastructure.Common;
using Microsoft.AspNetCore.Http.Features;

namespace CleanUser.WebApi.Users;

/// <summary>
/// docs/operations.md#memory: a write whose body is over <see cref="LargeBodyBytes"/> (or of unknown length) holds
/// one of these slots while it is read and handled — as many at once as there are processors, 64 waiting, one more a
/// 503. A body, the text decoded from it and an image read from it can be several times its size in memory: without a
/// bound, sixteen 16 MiB bodies at once are a gigabyte. Profile edits without images are a few hundred bytes and never wait.
/// </summary>
public sealed class LargeBodySlots() : BoundedSlots(Environment.ProcessorCount, QueueLength,
    "Too many large requests are being handled right now; try again shortly.")
{
    public const long LargeBodyBytes = 1024 * 1024;
    private const int QueueLength = 64;

    /// <summary>A slot for a large body, held until the result is disposed; <c>null</c> (nothing to hold) for a small one.</summary>
    public async Task<IDisposable?> EnterIfLargeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Unknown length: chunked HTTP/1.1, or HTTP/2 and 3 without Content-Length — whatever the server says may carry a body.
        var large = request.ContentLength is { } length
            ? length > LargeBodyBytes
            : request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.Headers.TransferEncoding.Count > 0;
        return large ? await EnterAsync(cancellationToken).ConfigureAwait(false) : null;
    }
}
