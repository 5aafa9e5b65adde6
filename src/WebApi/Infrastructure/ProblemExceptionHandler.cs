using System.Globalization;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Domain.Common;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Infrastructure.Persistence.Providers;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Net.Http.Headers;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// The one place failures become HTTP responses (docs/api.md#errors). Every known failure has a status below 500;
/// anything else is a 500 that shows neither a stack trace nor SQL.
/// </summary>
public sealed partial class ProblemExceptionHandler(IDatabaseProvider database, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is not ServiceUnavailableException && database.IsUnavailable(exception))
        {
            // A read outside a command (the caller's existence check, GET) meets the database's own exception; a
            // command's comes from the unit of work as ServiceUnavailableException already.
            exception = DatabaseFailures.Unavailable(exception, logger);
        }

        var problem = ToProblem(exception);
        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            httpContext.Response.Headers[HeaderNames.WWWAuthenticate] =
                httpContext.Request.Headers.Authorization.Count > 0 ? "Bearer error=\"invalid_token\"" : "Bearer";
        }

        if (problem.Status == StatusCodes.Status415UnsupportedMediaType)
        {
            // RFC 5789: tell the client which patch formats would have worked.
            httpContext.Response.Headers["Accept-Patch"] = Users.PatchBodyReader.AcceptPatch;
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            var retryAfter = (exception as ServiceUnavailableException)?.RetryAfter ?? ServiceUnavailableException.DefaultRetryAfter;
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await WriteAsync(httpContext, problem).ConfigureAwait(false);
        return true;
    }

    public static Task WriteAsync(HttpContext httpContext, ProblemBody problem)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(problem);
        httpContext.Response.StatusCode = problem.Status;
        return httpContext.Response.WriteAsJsonAsync(problem, WireJson.Options, ProblemBody.ContentType);
    }

    public static ProblemBody ToProblem(Exception exception) => exception switch
    {
        RequestRejectedException rejected => rejected.Problem,
        ValidationException validation => ProblemBody.Invalid(validation.Errors
            .GroupBy(e => e.PropertyName)
            .Select(g => ProblemError.ForField(g.Key, g.Select(e => new ProblemMessage(e.ErrorCode, e.ErrorMessage))))),
        InvalidValueException invalid => ProblemBody.Invalid(
            [ProblemError.ForField(invalid.Field, [new ProblemMessage(invalid.Violation.Code, invalid.Violation.Message)])]),
        AccountNotEditableException notEditable => ProblemBody.For(StatusCodes.Status403Forbidden,
            notEditable.Violation.Code, "You do not have permission to perform this action.", notEditable.Violation.Message),
        NotAuthenticatedException => ProblemBody.For(StatusCodes.Status401Unauthorized, "not_authenticated",
            "Authentication credentials were not provided."),
        ForbiddenException forbidden => ProblemBody.For(StatusCodes.Status403Forbidden, "permission_denied",
            "You do not have permission to perform this action.", forbidden.Message),
        NotFoundException notFound => ProblemBody.For(StatusCodes.Status404NotFound, "not_found", "Not found.", notFound.Message),
        PreconditionFailedException precondition => ProblemBody.For(StatusCodes.Status412PreconditionFailed,
            "precondition_failed", "Precondition failed.", precondition.Message),
        InvalidPatchException patch => ProblemBody.Invalid(patch.Problems.Select(p => ProblemError.General("invalid", p))),
        ConflictException conflict => ProblemBody.For(StatusCodes.Status409Conflict, conflict.Code, "Conflict.", conflict.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ProblemBody.For(
            StatusCodes.Status413PayloadTooLarge, "request_too_large", "Request entity too large.",
            "The request body is larger than the service accepts."),
        BadHttpRequestException bad => ProblemBody.For(StatusCodes.Status400BadRequest, "parse_error", "Malformed request.",
            bad.Message),
        ServiceUnavailableException unavailable => ProblemBody.For(StatusCodes.Status503ServiceUnavailable,
            "service_unavailable", "Service temporarily unavailable, try again later.", unavailable.Message),
        OperationCanceledException => ProblemBody.For(StatusCodes.Status503ServiceUnavailable, "service_unavailable",
            "Service temporarily unavailable, try again later."),
        _ => ProblemBody.For(StatusCodes.Status500InternalServerError, "server_error", "A server error occurred."),
    };

    [LoggerMessage(LogLevel.Error, "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
