namespace CleanUser.Domain.Users;

/// <summary>The names of the writable profile fields, as rules and errors report them (SPEC §5).</summary>
public static class UserFields
{
    public const string Username = "username";
    public const string RealName = "real_name";
    public const string Bio = "bio";
    public const string Location = "location";
    public const string LocationLatLng = "location_lat_lng";
    public const string PositionLatLng = "position_lat_lng";
    public const string DateOfBirth = "date_of_birth";
    public const string Description = "description";
    public const string Gender = "gender";
    public const string Website = "website";
    public const string Avatar = "avatar";
    public const string AvatarBase64 = "avatar_base64";
    public const string Cover = "cover";
    public const string CoverBase64 = "cover_base64";
}
