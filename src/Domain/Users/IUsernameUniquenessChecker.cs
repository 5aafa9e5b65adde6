namespace CleanUser.Domain.Users;

/// <summary>Asks whether another user holds a username. The database's unique index is the final guard.</summary>
public interface IUsernameUniquenessChecker
{
    Task<bool> IsTakenByAnotherUserAsync(Username username, long userId, CancellationToken cancellationToken);
}
