using CleanUser.Application.Common.Messaging;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace CleanUser.Application.Users.Commands.JsonPatchUser;

/// <summary>
/// A JSON Patch (RFC 6902) of one user's profile. The handler applies the operations to the profile as it is
/// read inside the transaction and turns the difference into a <c>PatchUserCommand</c>, so the same rules apply;
/// a concurrent change re-runs the whole patch on the fresh state (its <c>test</c> operations included).
/// </summary>
public sealed record JsonPatchUserCommand(long UserId, JsonPatchDocument<PatchableProfile> Document)
    : ICommand<UserDto>, IRequireOwnership, IConditionalCommand
{
    public long OwnerId => UserId;

    public IReadOnlyCollection<long>? ExpectedVersions { get; init; }
}
