using CleanUser.Domain.Users;

namespace CleanUser.Tests.Support;

/// <summary>
/// Every stored column of a user, comparable by value: <c>Assert.Equal(before, after)</c> proves nothing
/// changed, <c>Assert.Equal(before with { Bio = "x", Version = before.Version + 1 }, after)</c> proves exactly that.
/// </summary>
public sealed record UserSnapshot(
    long Id,
    string Username,
    DateTimeOffset? UsernameChangedAt,
    bool UsernameMayLookAlike,
    string RealName,
    string? Avatar,
    string? ExtId,
    UserStatistics Statistics,
    DateTimeOffset DateJoined,
    string Bio,
    string Location,
    string? LocationLatLng,
    string? PositionLatLng,
    DateOnly? DateOfBirth,
    string Description,
    Gender Gender,
    string Website,
    string? Cover,
    string TagIds,
    bool CommunityBadge,
    bool RegApproved,
    bool IsBlocked,
    bool IsDeleted,
    string CompanyName,
    string CompanyRole,
    long Version)
{
    public static UserSnapshot Of(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new UserSnapshot(user.Id, user.Username.Value, user.UsernameChangedAt, user.UsernameMayLookAlike, user.RealName,
            user.Avatar, user.ExtId, user.Statistics,
            user.DateJoined, user.Bio, user.Location, user.LocationLatLng?.ToString(), user.PositionLatLng?.ToString(),
            user.DateOfBirth, user.Description, user.Gender, user.Website, user.Cover,
            string.Join(",", user.Tags.Select(t => t.Id).Order()), user.CommunityBadge, user.RegApproved, user.IsBlocked,
            user.IsDeleted, user.CompanyName, user.CompanyRole, user.Version);
    }

    /// <summary>This snapshot after one real write.</summary>
    public UserSnapshot Written() => this with { Version = Version + 1 };

    /// <summary>This snapshot with the nine profile fields at the values a new user has: what resetting every field gives.</summary>
    public UserSnapshot WithDefaultProfile() => this with
    {
        RealName = "", Bio = "", Location = "", LocationLatLng = null, PositionLatLng = null, DateOfBirth = null,
        Description = "", Gender = Gender.Unspecified, Website = "",
    };
}
