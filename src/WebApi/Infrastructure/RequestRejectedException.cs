namespace CleanUser.WebApi.Infrastructure;

/// <summary>The HTTP request itself is unusable (body, media type, credentials); thrown before any command exists.</summary>
public sealed class RequestRejectedException(ProblemBody problem) : Exception(problem.Detail)
{
    public ProblemBody Problem { get; } = problem;

    public static RequestRejectedException ParseError(string message) =>
        new(ProblemBody.For(StatusCodes.Status400BadRequest, "parse_error", "Malformed request.", message));

    public static RequestRejectedException UnsupportedMediaType(string? contentType) =>
        new(ProblemBody.For(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
            "Unsupported media type.", $"Unsupported media type \"{contentType}\" in request."));

    public static RequestRejectedException AuthenticationFailed(string message) =>
        new(ProblemBody.For(StatusCodes.Status401Unauthorized, "authentication_failed", "Incorrect authentication credentials.", message));

    public static RequestRejectedException InvalidFields(IEnumerable<(string Field, string Code, string Message)> errors) =>
        new(ProblemBody.Invalid(errors.GroupBy(e => e.Field)
            .Select(g => ProblemError.ForField(g.Key, g.Select(e => new ProblemMessage(e.Code, e.Message))))));
}
