using CleanUser.Application.Audit;
using CleanUser.Domain.Users.Events;

namespace CleanUser.Infrastructure.Audit;

/// <summary>
/// One committed change of a profile, as the audit trail keeps it (docs/security.md#audit-trail): written in the change's
/// own save from its <see cref="UserUpdated"/> event, so there is an entry exactly when there is a change. Images are
/// storage keys (docs/adr/0019-audit-trail.md). Times are UTC. Entries are never changed; they are deleted after
/// <c>Audit:RetentionDays</c>.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
        Actor = null!;
        Channel = null!;
        Changes = null!;
    }

    public long Id { get; private set; }

    public DateTime At { get; private set; }

    public long UserId { get; private set; }

    /// <summary><c>user:&lt;id&gt;</c> or <c>system</c>.</summary>
    public string Actor { get; private set; }

    /// <summary><c>http</c>, <c>cli</c> or <c>module</c>.</summary>
    public string Channel { get; private set; }

    /// <summary>HTTP only, as the rest of what a request tells about its client.</summary>
    public string? RequestId { get; private set; }

    public string? ClientIp { get; private set; }

    public string? UserAgent { get; private set; }

    /// <summary>Every changed field, in the order of the event.</summary>
    public IReadOnlyList<FieldChange> Changes { get; private set; }

    public static AuditEntry For(UserUpdated updated, ChangeOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(origin);
        return new AuditEntry
        {
            At = updated.OccurredAt.UtcDateTime,
            UserId = updated.UserId,
            Actor = origin.Actor,
            Channel = origin.Channel,
            RequestId = origin.RequestId,
            ClientIp = origin.ClientIp,
            UserAgent = origin.UserAgent,
            Changes = updated.Changes,
        };
    }

    public AuditEntryDto ToDto() => new()
    {
        Id = Id,
        At = DateTime.SpecifyKind(At, DateTimeKind.Utc),
        UserId = UserId,
        Actor = Actor,
        Channel = Channel,
        RequestId = RequestId,
        Ip = ClientIp,
        UserAgent = UserAgent,
        Changes = Changes,
    };
}
