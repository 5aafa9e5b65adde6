using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Messaging;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using MediatR;

namespace CleanUser.Application.Audit.Queries.GetUserHistory;

/// <summary>A user's audit entries, newest first (docs/operations.md#verbs: <c>user history</c>); for that user or the system.</summary>
public sealed record GetUserHistoryQuery(long UserId, int Limit) : IRequest<IReadOnlyList<AuditEntryDto>>, IRequireOwnership
{
    public long OwnerId => UserId;
}

/// <summary>Reads the entries and shows images as their URL of now, as GET does (docs/adr/0019-audit-trail.md).</summary>
public sealed class GetUserHistoryQueryHandler(IUserRepository users, IAuditTrail auditTrail, IMediaUrls mediaUrls)
    : IRequestHandler<GetUserHistoryQuery, IReadOnlyList<AuditEntryDto>>
{
    public async Task<IReadOnlyList<AuditEntryDto>> Handle(GetUserHistoryQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!await users.ExistsAsync(request.UserId, cancellationToken).ConfigureAwait(false))
        {
            throw new NotFoundException("user", request.UserId);
        }

        var entries = await auditTrail.ReadAsync(request.UserId, request.Limit, cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(entry => entry with { Changes = [.. entry.Changes.Select(Shown)] })];
    }

    private FieldChange Shown(FieldChange change) =>
        change.Field is UserFields.Avatar or UserFields.Cover
            ? change with { Old = mediaUrls.ToPublicUrl(change.Old), New = mediaUrls.ToPublicUrl(change.New) }
            : change;
}
