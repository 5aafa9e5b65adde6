using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users.Commands;

public static class UserForChange
{
    /// <summary>The user a command changes, loaded inside its transaction and checked against the versions the client read.</summary>
    public static async Task<User> GetForChangeAsync(this IUserRepository users, long userId,
        IReadOnlyCollection<long>? expectedVersions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        var user = await users.GetByIdAsync(userId, cancellationToken).ConfigureAwait(false)
                   ?? throw new NotFoundException("user", userId);
        return expectedVersions is null || expectedVersions.Contains(user.Version) ? user : throw new PreconditionFailedException();
    }
}
