using Microsoft.AspNetCore.Diagnostics;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>Gives the bodiless errors the framework produces itself (no route: 404, wrong method: 405) the docs/api.md#errors body.</summary>
public static class StatusCodeProblems
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var problem = status switch
        {
            StatusCodes.Status404NotFound => ProblemBody.For(status, "not_found", "Not found."),
            StatusCodes.Status405MethodNotAllowed => ProblemBody.For(status, "method_not_allowed",
                $"Method \"{http.Request.Method}\" not allowed."),
            StatusCodes.Status413PayloadTooLarge => ProblemBody.For(status, "request_too_large", "Request entity too large."),
            StatusCodes.Status415UnsupportedMediaType => ProblemBody.For(status, "unsupported_media_type", "Unsupported media type."),
            StatusCodes.Status401Unauthorized => ProblemBody.For(status, "not_authenticated", "Authentication credentials were not provided."),
            StatusCodes.Status403Forbidden => ProblemBody.For(status, "permission_denied", "You do not have permission to perform this action."),
            >= 500 => ProblemBody.For(status, "server_error", "A server error occurred."),
            _ => ProblemBody.For(status, "invalid", "Invalid request."),
        };
        return ProblemExceptionHandler.WriteAsync(http, problem);
    }
}
