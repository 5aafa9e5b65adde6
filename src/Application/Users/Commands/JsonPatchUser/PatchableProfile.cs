using System.Text.Json.Serialization;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users.Commands.JsonPatchUser;

/// <summary>
/// The document a JSON Patch (RFC 6902) operates on: exactly the writable fields of SPEC §5, as text, with
/// their wire names. Paths to anything else (<c>/reputation</c>, <c>/tags/0</c>) do not exist here, so the
/// patch library refuses them.
/// </summary>
public sealed class PatchableProfile
{
    [JsonPropertyName(UserFields.Username)] public string? Username { get; set; }
    [JsonPropertyName(UserFields.RealName)] public string? RealName { get; set; }
    [JsonPropertyName(UserFields.Bio)] public string? Bio { get; set; }
    [JsonPropertyName(UserFields.Location)] public string? Location { get; set; }
    [JsonPropertyName(UserFields.LocationLatLng)] public string? LocationLatLng { get; set; }
    [JsonPropertyName(UserFields.PositionLatLng)] public string? PositionLatLng { get; set; }
    [JsonPropertyName(UserFields.DateOfBirth)] public string? DateOfBirth { get; set; }
    [JsonPropertyName(UserFields.Description)] public string? Description { get; set; }
    [JsonPropertyName(UserFields.Gender)] public string? Gender { get; set; }
    [JsonPropertyName(UserFields.Website)] public string? Website { get; set; }
    [JsonPropertyName(UserFields.Avatar)] public string? Avatar { get; set; }
    [JsonPropertyName(UserFields.Cover)] public string? Cover { get; set; }

    /// <summary>Always <c>null</c> when read; <c>add</c>/<c>replace</c> a data URL here to upload a new avatar.</summary>
    [JsonPropertyName(UserFields.AvatarBase64)] public string? AvatarBase64 { get; set; }

    /// <summary>Always <c>null</c> when read; <c>add</c>/<c>replace</c> a data URL here to upload a new cover.</summary>
    [JsonPropertyName(UserFields.CoverBase64)] public string? CoverBase64 { get; set; }

    public static PatchableProfile From(UserDto user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new PatchableProfile
        {
            Username = user.Username,
            RealName = user.RealName,
            Bio = user.Bio,
            Location = user.Location,
            LocationLatLng = user.LocationLatLng,
            PositionLatLng = user.PositionLatLng,
            DateOfBirth = user.DateOfBirth?.ToString(BirthDate.Format, System.Globalization.CultureInfo.InvariantCulture),
            Description = user.Description,
            Gender = user.Gender,
            Website = user.Website,
            Avatar = user.Avatar,
            Cover = user.Cover,
        };
    }

    public PatchableProfile Copy() => (PatchableProfile)MemberwiseClone();

    /// <summary>The fields that differ from <paramref name="before"/>, as the same command a PATCH would send.</summary>
    public PatchUserCommand ChangesSince(PatchableProfile before, long userId)
    {
        ArgumentNullException.ThrowIfNull(before);
        var command = new PatchUserCommand(userId);
        if (Username != before.Username) command = command with { Username = Username };
        if (RealName != before.RealName) command = command with { RealName = RealName };
        if (Bio != before.Bio) command = command with { Bio = Bio };
        if (Location != before.Location) command = command with { Location = Location };
        if (LocationLatLng != before.LocationLatLng) command = command with { LocationLatLng = LocationLatLng };
        if (PositionLatLng != before.PositionLatLng) command = command with { PositionLatLng = PositionLatLng };
        if (DateOfBirth != before.DateOfBirth) command = command with { DateOfBirth = DateOfBirth };
        if (Description != before.Description) command = command with { Description = Description };
        if (Gender != before.Gender) command = command with { Gender = Gender };
        if (Website != before.Website) command = command with { Website = Website };
        if (Avatar != before.Avatar) command = command with { Avatar = Avatar };
        if (Cover != before.Cover) command = command with { Cover = Cover };
        if (AvatarBase64 != before.AvatarBase64) command = command with { AvatarBase64 = AvatarBase64 };
        if (CoverBase64 != before.CoverBase64) command = command with { CoverBase64 = CoverBase64 };
        return command;
    }
}
