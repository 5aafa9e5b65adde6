namespace CleanUser.Domain.Users;

/// <summary>
/// A name a user gave up in a rename, held for them until <see cref="HeldUntil"/> (docs/api.md#username-policy):
/// anyone else asking for it — or, with look-alikes refused, for a name that looks like it — is refused; the former
/// holder may take it back.
/// </summary>
public sealed class ReleasedUsername
{
    public ReleasedUsername(Username username, long formerHolderId, DateTimeOffset heldUntil)
    {
        ArgumentNullException.ThrowIfNull(username);
        NormalizedUsername = username.Normalized;
        UsernameSkeleton = username.Skeleton;
        FormerHolderId = formerHolderId;
        HeldUntil = heldUntil;
    }

    private ReleasedUsername()
    {
        NormalizedUsername = null!;
        UsernameSkeleton = null!;
    }

    public long Id { get; private set; }

    /// <summary>The name given up, case-folded (<see cref="Username.Normalized"/>).</summary>
    public string NormalizedUsername { get; private set; }

    /// <summary>How the name looks (<see cref="Username.Skeleton"/>).</summary>
    public string UsernameSkeleton { get; private set; }

    public long FormerHolderId { get; private set; }

    public DateTimeOffset HeldUntil { get; private set; }
}
