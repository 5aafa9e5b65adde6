using CleanUser.Application.Common.Media;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// The writable fields of a profile, each declared once: its wire name, how its text becomes a valid value (the
/// domain's rule for it, and what <c>null</c> or blank resets it to), whether it is an image, and what the API
/// document says about it. The body readers, the validator, JSON Patch paths, the OpenAPI schema and error field
/// names all come from here (docs/adding-a-field.md).
/// </summary>
public static class ProfileFields
{
    private const string LatLngPattern = @"^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$";

    public static readonly ProfileField Username = new(UserFields.Username,
        new FieldSchema("1–255 of A-Z a-z 0-9 _ -; unique case-insensitively; not a reserved name. Required for PUT.")
        {
            MinLength = 1, MaxLength = Domain.Users.Username.MaxLength, Pattern = "^[A-Za-z0-9_-]+$",
        },
        (draft, raw) => Read<Username>(raw, Domain.Users.Username.TryCreate, v => draft.Username = v));

    public static readonly ProfileField RealName = Text(User.RealNameRule, (c, v) => c with { RealName = v });

    public static readonly ProfileField Bio = Text(User.BioRule, (c, v) => c with { Bio = v }, "Newlines allowed.");

    public static readonly ProfileField Location = Text(User.LocationRule, (c, v) => c with { Location = v });

    public static readonly ProfileField LocationLatLng = Point(UserFields.LocationLatLng, (c, v) => c with { LocationLatLng = v },
        "\"lat,lng\", -90..90 and -180..180; stored normalised (\"45.4642,9.19\"). Empty or null clears.");

    public static readonly ProfileField PositionLatLng = Point(UserFields.PositionLatLng, (c, v) => c with { PositionLatLng = v },
        "Same format as location_lat_lng.");

    public static readonly ProfileField DateOfBirth = new(UserFields.DateOfBirth,
        new FieldSchema("YYYY-MM-DD, a real date, not in the future, year 1900 or later. Empty or null clears.") { Format = "date" },
        (draft, raw) => string.IsNullOrWhiteSpace(raw)
            ? Set(draft, c => c with { DateOfBirth = null })
            : BirthDate.TryParse(raw, out var date, out var violation)
                ? Set(draft, c => c with { DateOfBirth = date })
                : violation);

    public static readonly ProfileField Description = Text(User.DescriptionRule, (c, v) => c with { Description = v });

    public static readonly ProfileField Gender = new(UserFields.Gender,
        new FieldSchema("Matched case-insensitively; null resets to Unspecified.") { Choices = Enum.GetNames<Gender>() },
        (draft, raw) => raw is null
            ? Set(draft, c => c with { Gender = Domain.Users.Gender.Unspecified })
            : GenderChoice.TryParse(raw, out var gender, out var violation)
                ? Set(draft, c => c with { Gender = gender })
                : violation);

    public static readonly ProfileField Website = new(UserFields.Website,
        new FieldSchema("Absolute http(s) URL with a host; empty clears.") { MaxLength = Domain.Users.Website.MaxLength, Format = "uri" },
        (draft, raw) => Read<ProfileText>(raw, Domain.Users.Website.TryCreate, v => draft.Changes = draft.Changes with { Website = v }));

    public static readonly ProfileField Avatar = Image(UserFields.Avatar, ImageKind.Avatar, base64: false,
        "Outside multipart: null or \"\" removes the avatar; the current avatar URL changes nothing; anything else is refused.");

    public static readonly ProfileField Cover = Image(UserFields.Cover, ImageKind.Cover, base64: false,
        "Outside multipart: null or \"\" removes the cover; the current cover URL changes nothing; anything else is refused.");

    public static readonly ProfileField AvatarBase64 = Image(UserFields.AvatarBase64, ImageKind.Avatar, base64: true,
        "A new avatar as \"image/png;base64,<data>\" (a leading \"data:\" is accepted; JPEG, PNG, GIF or WebP, at most 3 MiB decoded); null or \"\" removes it.");

    public static readonly ProfileField CoverBase64 = Image(UserFields.CoverBase64, ImageKind.Cover, base64: true,
        "A new cover as \"image/png;base64,<data>\" (at most 5 MiB decoded); null or \"\" removes it.");

    /// <summary>Every writable field, in the order errors are reported.</summary>
    public static readonly IReadOnlyList<ProfileField> All =
    [
        Username, RealName, Bio, Location, LocationLatLng, PositionLatLng, DateOfBirth, Description, Gender, Website,
        Avatar, AvatarBase64, Cover, CoverBase64,
    ];

    private static readonly Dictionary<string, ProfileField> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The field a body key names (case-sensitive, as on the wire), or <c>null</c>: other keys are ignored.</summary>
    public static ProfileField? Find(string name) => ByName.GetValueOrDefault(name);

    private static ProfileField Text(TextRule rule, Func<ProfileChanges, ProfileText, ProfileChanges> set, string? description = null) =>
        new(rule.Field, new FieldSchema(description) { MaxLength = rule.MaxLength },
            (draft, raw) => Read<ProfileText>(raw, rule.TryCreate, v => draft.Changes = set(draft.Changes, v)));

    private static ProfileField Point(string name, Func<ProfileChanges, GeoPoint?, ProfileChanges> set, string description) =>
        new(name, new FieldSchema(description) { Pattern = LatLngPattern },
            (draft, raw) => string.IsNullOrWhiteSpace(raw)
                ? Set(draft, c => set(c, null))
                : Read<GeoPoint>(raw, (string? r, out GeoPoint? p, out RuleViolation? e) => GeoPoint.TryParse(r!, out p, out e), v => draft.Changes = set(draft.Changes, v)));

    private static ProfileField Image(string name, ImageKind kind, bool base64, string description) =>
        new(name, new FieldSchema(description), read: null) { Image = kind, IsBase64 = base64 };

    private delegate bool TryCreate<T>(string? raw, out T? value, out RuleViolation? violation);

    private static RuleViolation? Read<T>(string? raw, TryCreate<T> tryCreate, Action<T> set)
    {
        if (!tryCreate(raw, out var value, out var violation))
        {
            return violation;
        }

        set(value!);
        return null;
    }

    private static RuleViolation? Set(ProfileDraft draft, Func<ProfileChanges, ProfileChanges> change)
    {
        draft.Changes = change(draft.Changes);
        return null;
    }
}

/// <summary>One writable field; see <see cref="ProfileFields"/>.</summary>
public sealed class ProfileField
{
    internal ProfileField(string name, FieldSchema schema, Func<ProfileDraft, string?, RuleViolation?>? read)
    {
        Name = name;
        Schema = schema;
        ReadValue = read;
    }

    /// <summary>The key in a body, the JSON Patch path without its slash, and the field errors name.</summary>
    public string Name { get; }

    public FieldSchema Schema { get; }

    /// <summary>The image this field sets (its file, its current URL, or <c>*_base64</c>); <c>null</c> for the other fields.</summary>
    public ImageKind? Image { get; internal init; }

    public bool IsBase64 { get; internal init; }

    /// <summary>Turns the text sent into a valid value on the draft, or tells the rule it breaks. Images are read together.</summary>
    internal Func<ProfileDraft, string?, RuleViolation?>? ReadValue { get; }

    public override string ToString() => Name;
}

/// <summary>What the API document says about a field beyond its name (the rules themselves are the domain's).</summary>
public sealed record FieldSchema(string? Description)
{
    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }

    public string? Pattern { get; init; }

    public string? Format { get; init; }

    public IReadOnlyList<string>? Choices { get; init; }
}

/// <summary>The typed values read so far; <see cref="ProfilePatch.Parse"/> fills one.</summary>
internal sealed class ProfileDraft
{
    public Optional<Username> Username { get; set; }

    public ProfileChanges Changes { get; set; } = new();
}
