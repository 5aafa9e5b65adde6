namespace CleanUser.Domain.Users;

/// <summary>The counters other community modules keep about a user; read-only for the profile.</summary>
public sealed record UserStatistics(
    int FollowingsCounter,
    int FollowersCounter,
    int PostsCounter,
    int DiscussionsCounter,
    int PollsCounter,
    int CategoriesCounter,
    int Reputation)
{
    public static UserStatistics None { get; } = new(0, 0, 0, 0, 0, 0, 0);
}
