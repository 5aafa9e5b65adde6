using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Queries.GetUser;
using MediatR;

namespace CleanUser.Application.Users.Queries.GetCurrentUser;

/// <summary>Reads the user the caller's token belongs to (SPEC §1: <c>GET /api/v2/user/me/</c>).</summary>
public sealed record GetCurrentUserQuery : IRequest<UserDto>, IRequireAuthentication;

public sealed class GetCurrentUserQueryHandler(ICurrentUser currentUser, IMediator mediator)
    : IRequestHandler<GetCurrentUserQuery, UserDto>
{
    public Task<UserDto> Handle(GetCurrentUserQuery request, CancellationToken cancellationToken) =>
        currentUser.Caller.UserId is { } id
            ? mediator.Send(new GetUserQuery(id), cancellationToken)
            : throw new NotFoundException("user", "me"); // the system principal is nobody's profile
}
