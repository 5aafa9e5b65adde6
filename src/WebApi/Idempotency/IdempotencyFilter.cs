using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Idempotency;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users;
using CleanUser.Infrastructure.Idempotency;
using CleanUser.WebApi.Infrastructure;
using CleanUser.WebApi.Users;

namespace CleanUser.WebApi.Idempotency;

/// <summary>
/// docs/api.md#idempotency: PATCH and PUT with an <c>Idempotency-Key</c>. The key is claimed before the request runs
/// (<see cref="IdempotencyKeys"/>); a repeat of the same request gets the stored response with
/// <c>Idempotent-Replayed: true</c>, another request with the key 422, and the same one while the first still runs 409.
/// The request that holds the key runs as any other; its 200 is stored with its change, inside the command's
/// transaction (<see cref="IdempotentResponse"/>), a 4xx (nothing changed) in a transaction of its own, and a 5xx
/// releases the key so the client may try again (docs/adr/0016-idempotent-writes.md).
/// </summary>
public sealed partial class IdempotencyFilter(ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The content type of a user response, as <c>Results.Json</c> writes it.</summary>
    private const string UserContentType = "application/json; charset=utf-8";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var header = http.Request.Headers[IdempotencyKeyHeader.Name];
        // A key belongs to a caller: an anonymous request goes on, to be refused with 401 before its key is looked at.
        if (header.Count == 0 || http.RequestServices.GetRequiredService<ICurrentUser>().Caller.UserId is not { } callerId)
        {
            return await next(context).ConfigureAwait(false);
        }

        var key = IdempotencyKeyHeader.Parse(header) ?? throw new RequestRejectedException(ProblemBody.For(
            StatusCodes.Status400BadRequest, "invalid_idempotency_key", "Malformed request.",
            string.Create(CultureInfo.InvariantCulture,
                $"Idempotency-Key must be one string (\"…\") or token of 1 to {IdempotencyRecord.MaxKeyLength} visible ASCII characters.")));
        var fingerprint = await FingerprintAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var keys = http.RequestServices.GetRequiredService<IdempotencyKeys>();
        switch (await keys.ClaimAsync(callerId, key, fingerprint, http.RequestAborted).ConfigureAwait(false))
        {
            case KeyState.Answered answered:
                return new Replay(answered.Response);
            case KeyState.Reused:
                throw new RequestRejectedException(ProblemBody.For(StatusCodes.Status422UnprocessableEntity,
                    "idempotency_key_reused", "Unprocessable content.",
                    "This Idempotency-Key was used for a different request (method, path, content type or body); use a new key."));
            case KeyState.Claimed { Claim: var claim }:
                return await RunAsync(context, next, keys, claim).ConfigureAwait(false);
            default: // KeyState.InUse: the same request is still running
                throw KeyInUse();
        }
    }

    /// <summary>The request runs holding the key; whatever it answers settles the key.</summary>
    private async Task<object?> RunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next,
        IdempotencyKeys keys, IdempotencyClaim claim)
    {
        context.HttpContext.RequestServices.GetRequiredService<IdempotentResponse>().StoreWith(async (response, cancellationToken) =>
        {
            var user = (UserDto)response!;
            var answer = new StoredResponse(StatusCodes.Status200OK, UserContentType,
                JsonSerializer.SerializeToUtf8Bytes(user, WireJson.Options), UserEndpoints.EntityTag(user));
            if (!await keys.StoreAsync(claim, answer, cancellationToken).ConfigureAwait(false))
            {
                throw KeyInUse(); // the lease ran out and another request took the key: this change must not commit
            }
        });

        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await SettleRefusalAsync(keys, claim, exception).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A refusal (4xx: nothing changed) is stored, to be replayed like a success; a server error (5xx, and 503 when
    /// something was unavailable) releases the key. Either is best effort: failing, the key stays in use until its lease ends.
    /// </summary>
    private async Task SettleRefusalAsync(IdempotencyKeys keys, IdempotencyClaim claim, Exception exception)
    {
        var problem = ProblemExceptionHandler.ToProblem(exception);
        try
        {
            if (problem.Status < StatusCodes.Status500InternalServerError)
            {
                var answer = new StoredResponse(problem.Status, ProblemBody.ContentType,
                    JsonSerializer.SerializeToUtf8Bytes(problem, WireJson.Options), ETag: null);
                await keys.StoreAsync(claim, answer, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await keys.ReleaseAsync(claim, CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The request's own answer is what the client must get.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogSettleFailed(logger, failure, problem.Status);
        }
    }

    /// <summary>
    /// SHA-256 over method, path, content type and the SHA-256 of the raw body. The body is read here and again by the
    /// endpoint, so it is buffered: in memory up to 30 KB, in a temporary file beyond (ASP.NET's
    /// <c>FileBufferingReadStream</c>), so a large upload is not held in memory twice.
    /// </summary>
    private static async Task<byte[]> FingerprintAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        var body = await SHA256.HashDataAsync(request.Body, cancellationToken).ConfigureAwait(false);
        request.Body.Position = 0;
        // The path is escaped and a header holds no line break, so the lines cannot run into each other.
        return SHA256.HashData([.. Encoding.UTF8.GetBytes($"{request.Method}\n{request.PathBase}{request.Path}\n{request.ContentType}\n"), .. body]);
    }

    private static ConflictException KeyInUse() => new("idempotency_key_in_use",
        "A request with this Idempotency-Key is still being processed; send it again once that one has answered.");

    [LoggerMessage(LogLevel.Warning, "Settling an Idempotency-Key after a {Status} failed; the key stays in use until its lease ends")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, int status);

    /// <summary>The stored response, as it was, marked as a replay.</summary>
    private sealed class Replay(StoredResponse response) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var answer = httpContext.Response;
            answer.StatusCode = response.Status;
            answer.ContentType = response.ContentType;
            answer.ContentLength = response.Body.Length;
            if (response.ETag is { } tag)
            {
                answer.Headers.ETag = tag;
            }

            answer.Headers.CacheControl = "no-store"; // an answer to a write (docs/api.md#caching)
            answer.Headers[ReplayedHeader] = "true";
            return answer.Body.WriteAsync(response.Body).AsTask();
        }
    }
}
