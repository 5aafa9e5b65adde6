using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Fakes;

/// <summary>Users and times shared by the domain tests.</summary>
internal static class TestUsers
{
    public static readonly DateTimeOffset Joined = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static readonly DateTimeOffset Now = new(2025, 6, 7, 8, 9, 10, TimeSpan.Zero);

    public static User Alice() => User.Register(Username.FromStored("alice"), Joined);

    public static User Blocked()
    {
        var user = Alice();
        user.Block();
        return user;
    }

    public static User Deleted()
    {
        var user = Alice();
        user.MarkDeleted();
        return user;
    }
}

/// <summary>A uniqueness checker with a fixed answer that remembers what it was asked.</summary>
internal sealed class FakeUniquenessChecker(params string[] takenNames) : IUsernameUniquenessChecker
{
    public List<(Username Username, long UserId)> Calls { get; } = [];

    public Task<bool> IsTakenByAnotherUserAsync(Username username, long userId, CancellationToken cancellationToken)
    {
        Calls.Add((username, userId));
        return Task.FromResult(takenNames.Any(n => Username.Normalize(n) == username.Normalized));
    }
}
