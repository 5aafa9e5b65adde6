using System.Globalization;
using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>
/// The rules for renaming beyond the name's format (docs/api.md#username-policy, docs/adr/0017-username-policy.md): a
/// cooldown between renames, a hold on a name given up for its former holder, and no name that looks like another
/// user's. The values are configuration (<c>Users:*</c>).
/// </summary>
public sealed class UsernamePolicy
{
    public UsernamePolicy(TimeSpan changeCooldown, TimeSpan releasedUsernameHold, bool refuseLookAlikes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(changeCooldown, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(releasedUsernameHold, TimeSpan.Zero);
        ChangeCooldown = changeCooldown;
        ReleasedUsernameHold = releasedUsernameHold;
        RefuseLookAlikes = refuseLookAlikes;
    }

    /// <summary>No cooldown, a 30-day hold, look-alikes refused.</summary>
    public static UsernamePolicy Default { get; } = new(TimeSpan.Zero, TimeSpan.FromDays(30), refuseLookAlikes: true);

    /// <summary>How long after a rename the next one is refused; zero: never.</summary>
    public TimeSpan ChangeCooldown { get; }

    /// <summary>How long a name given up stays reserved for its former holder; zero: not at all.</summary>
    public TimeSpan ReleasedUsernameHold { get; }

    /// <summary>Whether a name that looks like another user's (<see cref="Username.Skeleton"/>) is refused.</summary>
    public bool RefuseLookAlikes { get; }

    /// <summary>This policy for the system principal (internal modules, operator tools): no cooldown.</summary>
    public UsernamePolicy WithoutCooldown() => new(TimeSpan.Zero, ReleasedUsernameHold, RefuseLookAlikes);

    /// <summary>
    /// Whether the user may take <paramref name="candidate"/> now, given what the database held
    /// (<paramref name="facts"/>). Keeping the own name, or changing only its case without changing its look, is
    /// always allowed; a change of case alone is no rename (no cooldown). Otherwise: the cooldown, then a name taken or
    /// held by another user (<c>unique</c>), then — when refused — a look-alike of another user's name or held name.
    /// </summary>
    public RuleViolation? Check(Username candidate, UsernameFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(facts);
        var current = facts.Current;
        var renames = current is null || !candidate.Equals(current);
        var newLook = current is null || candidate.Skeleton != current.Skeleton;
        if (!renames && !newLook)
        {
            return null;
        }

        if (renames && CheckCooldown(facts.LastRenamedAt, now) is { } tooSoon)
        {
            return tooSoon;
        }

        if (facts.TakenByAnother || facts.HeldForAnother)
        {
            return UsernameAlreadyTakenException.Taken;
        }

        return RefuseLookAlikes && newLook && (facts.LooksLikeAnother || facts.LookHeldForAnother)
            ? UsernameAlreadyTakenException.LookAlike
            : null;
    }

    /// <summary>
    /// <c>username_change_too_soon</c> while the cooldown since <paramref name="lastRenamedAt"/> runs; the message gives
    /// the first moment a rename is allowed again (UTC, rounded up to the second).
    /// </summary>
    public RuleViolation? CheckCooldown(DateTimeOffset? lastRenamedAt, DateTimeOffset now)
    {
        if (lastRenamedAt is not { } last || now >= last + ChangeCooldown)
        {
            return null;
        }

        var allowed = last + ChangeCooldown;
        var shown = allowed.AddTicks(-(allowed.UtcTicks % TimeSpan.TicksPerSecond));
        shown = shown < allowed ? shown.AddSeconds(1) : shown;
        return new RuleViolation(RuleCodes.UsernameChangeTooSoon, string.Create(CultureInfo.InvariantCulture,
            $"You can change your username again from {shown.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} (one change every {ChangeCooldown.TotalDays:0.##} days)."));
    }
}
