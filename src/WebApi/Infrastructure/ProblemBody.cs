using System.Text.Json.Serialization;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// The error body of docs/api.md#errors: RFC 9457 problem details plus the <c>errors</c> array the official client
/// reads. Field errors carry <c>field</c> + <c>messages</c>; other errors <c>code</c> + <c>message</c>.
/// </summary>
public sealed record ProblemBody(string Type, string Title, int Status, string? Detail, IReadOnlyList<ProblemError> Errors)
{
    public const string ContentType = "application/problem+json";

    public static ProblemBody For(int status, string code, string title, string? message = null) =>
        new(TypeFor(code), title, status, message ?? title, [ProblemError.General(code, message ?? title)]);

    public static ProblemBody Invalid(IEnumerable<ProblemError> errors) =>
        new(TypeFor("invalid"), "Invalid input.", StatusCodes.Status400BadRequest, "One or more fields are invalid.", errors.ToList());

    public static string TypeFor(string code) => "urn:cleanuser:problem:" + code.Replace('_', '-');
}

public sealed record ProblemError
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Field { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ProblemMessage>? Messages { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Code { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }

    public static ProblemError General(string code, string message) => new() { Code = code, Message = message };

    public static ProblemError ForField(string field, IEnumerable<ProblemMessage> messages) =>
        new() { Field = field, Messages = messages.ToList() };
}

public sealed record ProblemMessage(string Code, string Message);
