using AutoMapper;
using CleanUser.Application.Common.Interfaces;
using MediatR;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>Loads the user, applies the fields present through the aggregate's methods, saves, maps.</summary>
public sealed class PatchUserCommandHandler(UserProfileEditor editor, IUnitOfWork unitOfWork, IMapper mapper)
    : IRequestHandler<PatchUserCommand, UserDto>
{
    public async Task<UserDto> Handle(PatchUserCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await editor.LoadAsync(request.UserId, request.ExpectedVersions, cancellationToken).ConfigureAwait(false);
        await editor.ApplyAsync(user, request, cancellationToken).ConfigureAwait(false);
        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return mapper.Map<UserDto>(user);
    }
}
