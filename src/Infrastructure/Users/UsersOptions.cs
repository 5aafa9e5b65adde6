using CleanUser.Domain.Users;

namespace CleanUser.Infrastructure.Users;

/// <summary>docs/api.md#configuration <c>Users:*</c>: the reserved names and the username policy.</summary>
public sealed class UsersOptions
{
    public const string Section = "Users";

    /// <summary>Names nobody may take; empty or unset: <see cref="Domain.Users.ReservedUsernames.Defaults"/>.</summary>
    public string[] ReservedUsernames { get; set; } = [];

    /// <summary>Days after a rename during which the next one is refused; 0: no cooldown.</summary>
    public int UsernameChangeCooldownDays { get; set; } = (int)UsernamePolicy.Default.ChangeCooldown.TotalDays;

    /// <summary>Days a name given up stays reserved for its former holder; 0: not held.</summary>
    public int ReleasedUsernameHoldDays { get; set; } = (int)UsernamePolicy.Default.ReleasedUsernameHold.TotalDays;

    /// <summary>Whether a name that looks like another user's is refused.</summary>
    public bool RefuseConfusableUsernames { get; set; } = UsernamePolicy.Default.RefuseLookAlikes;

    public ReservedUsernames Reserved() =>
        ReservedUsernames is { Length: > 0 } names ? new ReservedUsernames(names) : Domain.Users.ReservedUsernames.Default;

    /// <summary>The policy these settings describe; a negative number of days is an <see cref="InvalidOperationException"/> naming the key.</summary>
    public UsernamePolicy Policy()
    {
        if (UsernameChangeCooldownDays < 0 || ReleasedUsernameHoldDays < 0)
        {
            var key = UsernameChangeCooldownDays < 0 ? nameof(UsernameChangeCooldownDays) : nameof(ReleasedUsernameHoldDays);
            throw new InvalidOperationException($"{Section}:{key} must be 0 (off) or a number of days.");
        }

        return new UsernamePolicy(TimeSpan.FromDays(UsernameChangeCooldownDays), TimeSpan.FromDays(ReleasedUsernameHoldDays),
            RefuseConfusableUsernames);
    }
}
