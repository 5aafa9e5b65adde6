namespace CleanUser.Domain.Users;

/// <summary>
/// The wire names of the writable fields that are not free text (free-text fields are named by their
/// <see cref="Common.TextRule"/> on <see cref="User"/>). Errors name fields this way (docs/api.md#fields).
/// </summary>
public static class UserFields
{
    public const string Username = "username";
    public const string LocationLatLng = "location_lat_lng";
    public const string PositionLatLng = "position_lat_lng";
    public const string DateOfBirth = "date_of_birth";
    public const string Gender = "gender";
    public const string Website = "website";
    public const string Avatar = "avatar";
    public const string AvatarBase64 = "avatar_base64";
    public const string Cover = "cover";
    public const string CoverBase64 = "cover_base64";
}
