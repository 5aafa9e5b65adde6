using CleanUser.Application.Common.Security;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users.Commands.PatchUser;

internal static class CallerUsernamePolicy
{
    /// <summary>The policy a rename by <paramref name="caller"/> runs under: the system principal has no cooldown (docs/api.md#username-policy).</summary>
    public static UsernamePolicy For(this UsernamePolicy policy, Caller caller) =>
        caller.Kind == CallerKind.System ? policy.WithoutCooldown() : policy;
}
