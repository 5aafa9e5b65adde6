using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Messaging;
using MediatR;

namespace CleanUser.Application.Common.Behaviors;

/// <summary>
/// Innermost behavior: a command runs in one database transaction; queries pass straight through. When the
/// row changed under the command (optimistic concurrency) and the client did not pin a version with
/// <c>If-Match</c>, the whole command runs again on the fresh state — so two PATCHes of different fields
/// both persist — a bounded number of times; a pinned version is a 412 instead.
/// </summary>
public sealed class TransactionBehavior<TRequest, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TRequest, TResponse>
{
    public const int MaxAttempts = 5;

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        // A command sent by another command's handler (JSON Patch sends the PATCH it makes) is part of that
        // command's transaction, and of its retries.
        if (request is not ICommand<TResponse> || unitOfWork.InTransaction)
        {
            return await next().ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await unitOfWork.ExecuteInTransactionAsync(_ => next(), cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException) when (request is IConditionalCommand { ExpectedVersions: not null })
            {
                throw new PreconditionFailedException();
            }
            catch (ConcurrencyConflictException exception) when (attempt >= MaxAttempts)
            {
                throw new ConflictException("conflict",
                    $"The user kept changing while this request was applied ({exception.Message}); try again.");
            }
            catch (ConcurrencyConflictException)
            {
                // Run again: the unit of work starts each transaction from a clean slate.
            }
        }
    }
}
