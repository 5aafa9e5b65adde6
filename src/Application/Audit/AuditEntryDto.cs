using CleanUser.Domain.Users.Events;

namespace CleanUser.Application.Audit;

/// <summary>
/// One audit entry as <c>user history --json</c> prints it (docs/operations.md#verbs): property order is the wire order,
/// names become snake_case. Values are text as GET shows them.
/// </summary>
public sealed record AuditEntryDto
{
    public long Id { get; init; }

    /// <summary>When the change was made, UTC.</summary>
    public DateTime At { get; init; }

    public long UserId { get; init; }

    public string Actor { get; init; } = string.Empty;

    public string Channel { get; init; } = string.Empty;

    public string? RequestId { get; init; }

    public string? Ip { get; init; }

    public string? UserAgent { get; init; }

    public IReadOnlyList<FieldChange> Changes { get; init; } = [];
}
