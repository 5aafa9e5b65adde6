namespace CleanUser.Domain.Users;

/// <summary>
/// Asks the database what stands in the way of a username (docs/api.md#username-policy), in one statement, so every
/// fact is of the same moment. The unique indexes on the name and on its look are the final guard.
/// </summary>
public interface IUsernameUniquenessChecker
{
    /// <summary>The facts about <paramref name="username"/> for user <paramref name="userId"/> at <paramref name="now"/>.</summary>
    Task<UsernameFacts> GetFactsAsync(Username username, long userId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// What the database held about a username one user asked for: the user's own name and last rename, and whether
/// another user has the name or a look-alike, or holds either as a released name (<see cref="ReleasedUsername"/>).
/// <see cref="UsernamePolicy.Check"/> turns them into the answer.
/// </summary>
/// <param name="Current">The asking user's name now; <c>null</c> when there is no such user.</param>
/// <param name="LastRenamedAt">When the asking user last renamed; <c>null</c> when never.</param>
/// <param name="TakenByAnother">Another user's name equals it, ignoring case.</param>
/// <param name="LooksLikeAnother">Another user's name looks like it (equal skeletons).</param>
/// <param name="HeldForAnother">Another user gave it up and still holds it.</param>
/// <param name="LookHeldForAnother">Another user gave up a name that looks like it and still holds it.</param>
public sealed record UsernameFacts(
    Username? Current,
    DateTimeOffset? LastRenamedAt,
    bool TakenByAnother,
    bool LooksLikeAnother,
    bool HeldForAnother,
    bool LookHeldForAnother);
