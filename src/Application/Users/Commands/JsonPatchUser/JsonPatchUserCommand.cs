using CleanUser.Application.Common.Messaging;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace CleanUser.Application.Users.Commands.JsonPatchUser;

/// <summary>
/// A JSON Patch (RFC 6902) of one user's profile (docs/json-patch.md). Its paths are writable fields and its values
/// strings or null — the endpoint checked that. The handler applies it to the profile as read inside the
/// transaction and sends the difference on as a <see cref="PatchUserCommand"/>, through the same pipeline and
/// rules; a concurrent change re-runs the whole patch on the fresh state, its <c>test</c> operations included.
/// </summary>
public sealed record JsonPatchUserCommand(long UserId, JsonPatchDocument Document)
    : ICommand<UserDto>, IRequireOwnership, IConditionalCommand
{
    public long OwnerId => UserId;

    public IReadOnlyCollection<long>? ExpectedVersions { get; init; }
}
