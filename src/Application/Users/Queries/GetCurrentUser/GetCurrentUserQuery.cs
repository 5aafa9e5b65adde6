using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Common.Security;
using MediatR;

namespace CleanUser.Application.Users.Queries.GetCurrentUser;

/// <summary>Reads the user the caller's token belongs to (<c>GET /api/v2/user/me/</c>, docs/api.md#endpoints).</summary>
public sealed record GetCurrentUserQuery : IRequest<UserDto>, IRequireAuthentication;

public sealed class GetCurrentUserQueryHandler(ICurrentUser currentUser, IUserReader users)
    : IRequestHandler<GetCurrentUserQuery, UserDto>
{
    public async Task<UserDto> Handle(GetCurrentUserQuery request, CancellationToken cancellationToken)
    {
        // The system principal is nobody's profile.
        var id = currentUser.Caller.UserId ?? throw new NotFoundException("user", "me");
        return await users.ReadAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("user", id);
    }
}
