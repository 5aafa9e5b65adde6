using CleanUser.Application.Common.Media;
using CleanUser.Application.Common.Messaging;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// A partial update of one user's profile (SPEC §4–5). Every writable field is absent (leave it),
/// <c>null</c> (reset it to its default) or a raw value as the client sent it; rules are applied by the
/// validator and the <see cref="User"/> aggregate, never by whoever builds the command.
/// </summary>
public sealed record PatchUserCommand(long UserId) : ICommand<UserDto>, IRequireOwnership, IConditionalCommand
{
    public long OwnerId => UserId;

    /// <summary>
    /// A full update (HTTP PUT): <c>username</c> must be present. As in Django REST Framework, other absent
    /// fields keep their values.
    /// </summary>
    public bool IsFullUpdate { get; init; }

    /// <summary>The versions the client read (<c>If-Match</c>); <c>null</c> when it pinned none.</summary>
    public IReadOnlyCollection<long>? ExpectedVersions { get; init; }

    public Optional<string?> Username { get; init; }

    public Optional<string?> RealName { get; init; }

    public Optional<string?> Bio { get; init; }

    public Optional<string?> Location { get; init; }

    public Optional<string?> LocationLatLng { get; init; }

    public Optional<string?> PositionLatLng { get; init; }

    public Optional<string?> DateOfBirth { get; init; }

    public Optional<string?> Description { get; init; }

    public Optional<string?> Gender { get; init; }

    public Optional<string?> Website { get; init; }

    /// <summary>
    /// The <c>avatar</c> key of a JSON or form body: <c>null</c> or empty removes the image; the user's
    /// current image URL (clients send back what they read) changes nothing; anything else is refused.
    /// </summary>
    public Optional<string?> Avatar { get; init; }

    /// <summary>Like <see cref="Avatar"/>, for the cover.</summary>
    public Optional<string?> Cover { get; init; }

    /// <summary>
    /// A new avatar image (a multipart file part, or bytes an internal caller has); <c>null</c> removes the avatar.
    /// Wins over the <see cref="Avatar"/> text, which clients often send back unchanged beside a new image.
    /// </summary>
    public Optional<ImageUpload?> AvatarImage { get; init; }

    /// <summary>
    /// <c>avatar_base64</c> (SPEC §5): <c>image/png;base64,&lt;data&gt;</c>, a leading <c>data:</c> allowed; <c>null</c> or
    /// empty removes the avatar. Sending it together with <see cref="AvatarImage"/> is refused as ambiguous.
    /// </summary>
    public Optional<string?> AvatarBase64 { get; init; }

    /// <summary>Like <see cref="AvatarImage"/>, for the cover.</summary>
    public Optional<ImageUpload?> CoverImage { get; init; }

    /// <summary>Like <see cref="AvatarBase64"/>, for the cover (<c>cover_base64</c>).</summary>
    public Optional<string?> CoverBase64 { get; init; }

    /// <summary>
    /// Converts the fields that have a type of their own. Absent stays absent; <c>null</c> or blank means
    /// "none" for the nullable ones and <see cref="Domain.Users.Gender.Unspecified"/> for gender.
    /// </summary>
    internal ProfileChanges ToProfileChanges(DateOnly today, ICollection<FieldViolation> violations) => new()
    {
        RealName = RealName,
        Bio = Bio,
        Location = Location,
        Description = Description,
        Website = Website,
        LocationLatLng = Parse(LocationLatLng, UserFields.LocationLatLng, violations,
            (string v, out GeoPoint? p, out RuleViolation? e) => GeoPoint.TryParse(v, out p, out e)),
        PositionLatLng = Parse(PositionLatLng, UserFields.PositionLatLng, violations,
            (string v, out GeoPoint? p, out RuleViolation? e) => GeoPoint.TryParse(v, out p, out e)),
        DateOfBirth = Parse(DateOfBirth, UserFields.DateOfBirth, violations,
            (string v, out DateOnly? d, out RuleViolation? e) =>
            {
                var ok = BirthDate.TryParse(v, today, out var date, out e);
                d = date;
                return ok;
            }),
        Gender = Gender.HasValue
            ? Gender.Value is null ? Domain.Users.Gender.Unspecified : ParseGender(Gender.Value, violations)
            : Optional<Gender>.Absent,
    };

    private delegate bool TryParser<T>(string raw, out T value, out RuleViolation? violation);

    private static Optional<T?> Parse<T>(Optional<string?> raw, string field, ICollection<FieldViolation> violations,
        TryParser<T?> tryParse)
    {
        if (!raw.HasValue)
        {
            return Optional<T?>.Absent;
        }

        if (string.IsNullOrWhiteSpace(raw.Value))
        {
            return Optional<T?>.Of(default);
        }

        if (tryParse(raw.Value, out var value, out var violation))
        {
            return Optional<T?>.Of(value);
        }

        violations.Add(new FieldViolation(field, violation!));
        return Optional<T?>.Absent;
    }

    private static Gender ParseGender(string raw, ICollection<FieldViolation> violations)
    {
        if (!GenderChoice.TryParse(raw, out var gender, out var violation))
        {
            violations.Add(new FieldViolation(UserFields.Gender, violation!));
        }

        return gender;
    }
}

/// <summary>A broken rule on one named field.</summary>
public sealed record FieldViolation(string Field, RuleViolation Violation);
