using System.Diagnostics;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Common.Observability;
using CleanUser.Application.Common.Security;
using CleanUser.Domain.Common;
using FluentValidation.Results;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanUser.Application.Common.Behaviors;

// The pipeline every request goes through, outermost first (registered in this order in DependencyInjection):
// logging → authorization → validation → transaction → handler. One file, so it reads in the order it runs. Inside the
// transaction, Idempotency/IdempotencyBehavior stores the response of a request with an Idempotency-Key with its change.

/// <summary>
/// Outermost behavior: one log line and one span (<see cref="CleanUserTelemetry.Source"/>, named after the request) per
/// request with its outcome and duration. Expected failures (validation, permissions, …) are logged quietly and leave
/// the span's status unset; anything else is logged as an error, marks the span as an error with the exception, and is
/// rethrown for the single exception-to-problem mapper.
/// </summary>
public sealed partial class LoggingBehavior<TRequest, TResponse>(
    ILogger<LoggingBehavior<TRequest, TResponse>> logger,
    ICurrentUser currentUser) : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var name = typeof(TRequest).Name;
        var started = Stopwatch.GetTimestamp();
        using var span = CleanUserTelemetry.Source.StartActivity(name);
        try
        {
            var response = await next().ConfigureAwait(false);
            LogHandled(logger, name, currentUser.Caller, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            span?.SetTag(CleanUserTelemetry.OutcomeTag, "handled");
            return response;
        }
        catch (Exception exception) when (IsExpected(exception))
        {
            LogRefused(logger, name, currentUser.Caller, exception.GetType().Name,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            span?.SetTag(CleanUserTelemetry.OutcomeTag, "refused").SetTag(CleanUserTelemetry.ReasonTag, exception.GetType().Name);
            throw;
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, name, currentUser.Caller, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            span?.SetTag(CleanUserTelemetry.OutcomeTag, "failed").SetStatus(ActivityStatusCode.Error, exception.GetType().Name).AddException(exception);
            throw;
        }
    }

    private static bool IsExpected(Exception exception) =>
        exception is ValidationException or InvalidValueException or AccountNotEditableException
            or NotAuthenticatedException or ForbiddenException or NotFoundException or ConflictException
            or PreconditionFailedException or InvalidPatchException
            or OperationCanceledException;

    [LoggerMessage(LogLevel.Debug, "{Request} for {Caller} handled in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string request, Caller caller, double elapsedMs);

    [LoggerMessage(LogLevel.Information, "{Request} for {Caller} refused ({Reason}) in {ElapsedMs:0.0} ms")]
    private static partial void LogRefused(ILogger logger, string request, Caller caller, string reason, double elapsedMs);

    [LoggerMessage(LogLevel.Error, "{Request} for {Caller} failed after {ElapsedMs:0.0} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, string request, Caller caller, double elapsedMs);
}

/// <summary>
/// docs/api.md#authorization: requests that need a caller refuse anonymous ones (401); requests on one user's data are
/// for that user alone (403), except for the explicit system principal.
/// </summary>
public sealed class AuthorizationBehavior<TRequest, TResponse>(ICurrentUser currentUser)
    : IPipelineBehavior<TRequest, TResponse>
{
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (request is IRequireAuthentication)
        {
            var caller = currentUser.Caller;
            caller.EnsureAuthenticated();

            if (request is IRequireOwnership owned && caller.Kind == CallerKind.User && caller.UserId != owned.OwnerId)
            {
                throw new ForbiddenException("A user can only update their personal data.");
            }
        }

        return next();
    }
}

/// <summary>Runs every validator of the request and reports all failures together (docs/api.md#errors).</summary>
public sealed class ValidationBehavior<TRequest, TResponse>(IEnumerable<IValidator<TRequest>> validators)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var failures = new List<ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(request, cancellationToken).ConfigureAwait(false);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        return await next().ConfigureAwait(false);
    }
}

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
                // The first attempt may read before its transaction; a retry begins it first, so on SQLite it holds the
                // one writer from its load on and no writer of this process can change the user under it again
                // (docs/adr/0026-reads-before-the-write-turn.md).
                return attempt == 1
                    ? await unitOfWork.ExecuteCommandAsync(_ => next(), cancellationToken).ConfigureAwait(false)
                    : await unitOfWork.ExecuteInTransactionAsync(_ => next(), cancellationToken).ConfigureAwait(false);
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
