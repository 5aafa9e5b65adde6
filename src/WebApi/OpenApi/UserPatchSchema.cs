using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CleanUser.WebApi.OpenApi;

/// <summary>
/// Describes the PATCH/PUT body for the OpenAPI document only; the body is read by <c>PatchBodyReader</c>.
/// The rules here mirror the domain's (SPEC §5); a test keeps the committed document in step.
/// </summary>
[Description("The writable fields of a user (SPEC §5). Only the keys present change; null resets a field. Read-only and unknown keys are ignored.")]
internal sealed class UserPatchSchema
{
    [Description("1–255 of A-Z a-z 0-9 _ -; unique case-insensitively; not a reserved name. Required for PUT.")]
    [MinLength(1), MaxLength(255), RegularExpression("^[A-Za-z0-9_-]+$")]
    public string? Username { get; init; }

    [MaxLength(255)]
    public string? RealName { get; init; }

    [Description("Newlines allowed.")]
    [MaxLength(5000)]
    public string? Bio { get; init; }

    [MaxLength(100)]
    public string? Location { get; init; }

    [Description("\"lat,lng\", -90..90 and -180..180; stored normalised (\"45.4642,9.19\"). Empty or null clears.")]
    [RegularExpression(@"^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$")]
    public string? LocationLatLng { get; init; }

    [Description("Same format as location_lat_lng.")]
    [RegularExpression(@"^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$")]
    public string? PositionLatLng { get; init; }

    [Description("YYYY-MM-DD, a real date, not in the future, year 1900 or later. Empty or null clears.")]
    public DateOnly? DateOfBirth { get; init; }

    [MaxLength(50)]
    public string? Description { get; init; }

    [Description("Matched case-insensitively; null resets to Unspecified.")]
    public GenderName? Gender { get; init; }

    [Description("Absolute http(s) URL with a host; empty clears.")]
    [Url, MaxLength(200)]
    public string? Website { get; init; }

    [Description("Outside multipart: null or \"\" removes the avatar; the current avatar URL changes nothing; anything else is refused.")]
    public string? Avatar { get; init; }

    [Description("Outside multipart: null or \"\" removes the cover; the current cover URL changes nothing; anything else is refused.")]
    public string? Cover { get; init; }

    [Description("A new avatar as \"image/png;base64,<data>\" (a leading \"data:\" is accepted; JPEG, PNG, GIF or WebP, at most 3 MiB decoded); null or \"\" removes it.")]
    public string? AvatarBase64 { get; init; }

    [Description("A new cover as \"image/png;base64,<data>\" (at most 5 MiB decoded); null or \"\" removes it.")]
    public string? CoverBase64 { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<GenderName>))]
internal enum GenderName
{
    Male,
    Female,
    Unspecified,
}

/// <summary>One RFC 6902 operation on a writable field, e.g. <c>{"op": "replace", "path": "/bio", "value": "…"}</c>.</summary>
internal sealed class JsonPatchOperationSchema
{
    [Required]
    public JsonPatchOp Op { get; init; }

    [Required, Description("A JSON Pointer to a writable field: /username, /real_name, /bio, /location, /location_lat_lng, /position_lat_lng, /date_of_birth, /description, /gender, /website, /avatar, /cover, /avatar_base64, /cover_base64.")]
    public string Path { get; init; } = string.Empty;

    [Description("For move and copy: the JSON Pointer to read from.")]
    public string? From { get; init; }

    [Description("For add, replace and test: a string or null.")]
    public string? Value { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<JsonPatchOp>))]
internal enum JsonPatchOp
{
    [JsonStringEnumMemberName("add")] Add,
    [JsonStringEnumMemberName("remove")] Remove,
    [JsonStringEnumMemberName("replace")] Replace,
    [JsonStringEnumMemberName("move")] Move,
    [JsonStringEnumMemberName("copy")] Copy,
    [JsonStringEnumMemberName("test")] Test,
}
