using CleanUser.Application.Common.Messaging;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// A partial update of one user's profile (docs/api.md#request-bodies): the fields of <see cref="Patch"/> change, the others
/// stay. Built by the HTTP endpoint from any body type, by JSON Patch from the difference it makes, or by an
/// internal caller: <c>new PatchUserCommand(2, ProfilePatch.Of(("bio", "Moved to Rome")))</c>.
/// </summary>
public sealed record PatchUserCommand(long UserId, ProfilePatch Patch) : ICommand<UserDto>, IRequireOwnership, IConditionalCommand
{
    public long OwnerId => UserId;

    /// <summary>
    /// A full update (HTTP PUT): <c>username</c> must be present. As in Django REST Framework, other absent
    /// fields keep their values.
    /// </summary>
    public bool IsFullUpdate { get; init; }

    /// <summary>The versions the client read (<c>If-Match</c>); <c>null</c> when it pinned none.</summary>
    public IReadOnlyCollection<long>? ExpectedVersions { get; init; }
}
