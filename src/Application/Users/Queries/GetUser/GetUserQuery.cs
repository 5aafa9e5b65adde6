using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using MediatR;

namespace CleanUser.Application.Users.Queries.GetUser;

/// <summary>Reads one user; public (docs/api.md#endpoints).</summary>
public sealed record GetUserQuery(long UserId) : IRequest<UserDto>;

public sealed class GetUserQueryHandler(IUserReader users) : IRequestHandler<GetUserQuery, UserDto>
{
    public async Task<UserDto> Handle(GetUserQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await users.ReadAsync(request.UserId, cancellationToken).ConfigureAwait(false)
               ?? throw new NotFoundException("user", request.UserId);
    }
}
