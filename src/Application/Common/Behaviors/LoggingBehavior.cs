using System.Diagnostics;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Security;
using CleanUser.Domain.Common;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanUser.Application.Common.Behaviors;

/// <summary>
/// Outermost behavior: one log line per request with its outcome and duration. Expected failures
/// (validation, permissions, …) are logged quietly; anything else is logged as an error with the
/// exception and rethrown for the single exception-to-problem mapper.
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
        try
        {
            var response = await next().ConfigureAwait(false);
            LogHandled(logger, name, currentUser.Caller, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception exception) when (IsExpected(exception))
        {
            LogRefused(logger, name, currentUser.Caller, exception.GetType().Name,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, name, currentUser.Caller, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
