using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.WebApi.Users;

/// <summary>
/// The keys a PATCH body may set (SPEC §5) and where each goes in the command. Every other key — read-only
/// fields clients send back, unknown keys — is ignored, as Django REST Framework does.
/// </summary>
public static class UserPatchFields
{
    private static readonly Dictionary<string, Func<PatchUserCommand, Optional<string?>, PatchUserCommand>> Setters =
        new(StringComparer.Ordinal)
        {
            [UserFields.Username] = (c, v) => c with { Username = v },
            [UserFields.RealName] = (c, v) => c with { RealName = v },
            [UserFields.Bio] = (c, v) => c with { Bio = v },
            [UserFields.Location] = (c, v) => c with { Location = v },
            [UserFields.LocationLatLng] = (c, v) => c with { LocationLatLng = v },
            [UserFields.PositionLatLng] = (c, v) => c with { PositionLatLng = v },
            [UserFields.DateOfBirth] = (c, v) => c with { DateOfBirth = v },
            [UserFields.Description] = (c, v) => c with { Description = v },
            [UserFields.Gender] = (c, v) => c with { Gender = v },
            [UserFields.Website] = (c, v) => c with { Website = v },
            [UserFields.Avatar] = (c, v) => c with { Avatar = v },
            [UserFields.Cover] = (c, v) => c with { Cover = v },
            [UserFields.AvatarBase64] = (c, v) => c with { AvatarBase64 = v },
            [UserFields.CoverBase64] = (c, v) => c with { CoverBase64 = v },
        };

    public static bool IsWritable(string key) => Setters.ContainsKey(key);

    public static PatchUserCommand Set(PatchUserCommand command, string key, string? value) =>
        Setters[key](command, Optional<string?>.Of(value));
}
