using CleanUser.Application.Common.Messaging;
using MediatR;

namespace CleanUser.Application.Common.Idempotency;

/// <summary>
/// Innermost, inside the command's transaction (registered after the transaction behavior): once the handler has
/// made the change, the response of a request with a claimed <c>Idempotency-Key</c> is stored in the same transaction
/// (<see cref="IdempotentResponse"/>). A failure to store it rolls the change back; a concurrency retry stores again.
/// </summary>
public sealed class IdempotencyBehavior<TRequest, TResponse>(IdempotentResponse idempotentResponse)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (request is not ICommand<TResponse> || idempotentResponse.For(request) is not { } store)
        {
            return await next().ConfigureAwait(false);
        }

        var response = await next().ConfigureAwait(false);
        await store(response, cancellationToken).ConfigureAwait(false);
        return response;
    }
}
