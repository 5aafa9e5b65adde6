using CleanUser.Application.Common.Media;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// A request's changes to a profile, parsed once where the request arrives: every field present became a valid
/// typed value, or a violation of its rule. The rules that need more than the text — a reserved name the user
/// holds, whether a name is free, today's date, the current image URL, the image bytes — are the validator's.
/// </summary>
public sealed class ProfilePatch
{
    private ProfilePatch(IReadOnlySet<ProfileField> fields, ProfileDraft draft, ImageEdit? avatar, ImageEdit? cover,
        IReadOnlyList<FieldViolation> violations)
    {
        Fields = fields;
        Username = draft.Username;
        Changes = draft.Changes;
        Avatar = avatar;
        Cover = cover;
        Violations = violations;
    }

    public static ProfilePatch Empty { get; } = Parse([]);

    /// <summary>The fields the request sent, valid or not.</summary>
    public IReadOnlySet<ProfileField> Fields { get; }

    public Optional<Username> Username { get; }

    public ProfileChanges Changes { get; }

    public ImageEdit? Avatar { get; }

    public ImageEdit? Cover { get; }

    /// <summary>The rules the sent text breaks, in field order.</summary>
    public IReadOnlyList<FieldViolation> Violations { get; }

    /// <summary>
    /// Reads the writable fields among <paramref name="values"/> (keys that name no field are ignored; for a key sent
    /// twice the last value counts) and the image files among <paramref name="files"/> (<c>avatar</c>, <c>cover</c>).
    /// </summary>
    public static ProfilePatch Parse(IEnumerable<KeyValuePair<string, string?>> values,
        IEnumerable<KeyValuePair<string, ImageUpload>>? files = null)
    {
        var texts = new Dictionary<ProfileField, string?>();
        foreach (var (key, value) in values)
        {
            if (ProfileFields.Find(key) is { } field)
            {
                texts[field] = value;
            }
        }

        var uploads = new Dictionary<ImageKind, ImageUpload>();
        foreach (var (key, upload) in files ?? [])
        {
            if (ProfileFields.Find(key) is { Image: { } kind, IsBase64: false })
            {
                uploads[kind] = upload;
            }
        }

        var draft = new ProfileDraft();
        var violations = new List<FieldViolation>();
        foreach (var (field, raw) in texts)
        {
            if (field.ReadValue?.Invoke(draft, raw) is { } violation)
            {
                violations.Add(new FieldViolation(field, violation));
            }
        }

        var avatar = ReadImage(ProfileFields.Avatar, ProfileFields.AvatarBase64, texts, uploads, violations);
        var cover = ReadImage(ProfileFields.Cover, ProfileFields.CoverBase64, texts, uploads, violations);
        var sent = new HashSet<ProfileField>(texts.Keys);
        sent.UnionWith(uploads.Keys.Select(k => k == ImageKind.Avatar ? ProfileFields.Avatar : ProfileFields.Cover));
        return new ProfilePatch(sent, draft, avatar, cover, FieldViolation.InFieldOrder(violations));
    }

    /// <summary>A patch of text fields by wire name, as internal callers and operator tools build one.</summary>
    public static ProfilePatch Of(params (string Field, string? Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Parse(values.Select(v => KeyValuePair.Create(v.Field, v.Value)));
    }

    /// <summary>
    /// A file or base64 replaces the image, and then the <c>avatar</c>/<c>cover</c> text beside it (often the old URL
    /// sent back) does not count; sending both a file and base64 is ambiguous. Blank base64 or text removes the image.
    /// </summary>
    private static ImageEdit? ReadImage(ProfileField field, ProfileField base64Field, Dictionary<ProfileField, string?> texts,
        Dictionary<ImageKind, ImageUpload> uploads, List<FieldViolation> violations)
    {
        var kind = field.Image!.Value;
        var hasBase64 = texts.TryGetValue(base64Field, out var base64);
        if (uploads.TryGetValue(kind, out var upload))
        {
            if (hasBase64 && !string.IsNullOrWhiteSpace(base64))
            {
                violations.Add(new FieldViolation(base64Field, RuleViolation.Invalid(
                    $"Send the new image once: either a file in '{field.Name}' or '{base64Field.Name}', not both.")));
                return null;
            }

            return new ImageEdit(kind, field, upload, null);
        }

        if (hasBase64)
        {
            if (string.IsNullOrWhiteSpace(base64))
            {
                return new ImageEdit(kind, base64Field, null, null);
            }

            if (!ImageDataUrl.TryDecode(base64, out var content))
            {
                // The bytes never arrive, so as far as the client can tell no valid image was sent.
                violations.Add(new FieldViolation(base64Field, ImageRules.NotAnImage("the text is not base64 image data")));
                return null;
            }

            return new ImageEdit(kind, base64Field, ImageUpload.FromBytes(content), null);
        }

        return texts.TryGetValue(field, out var text)
            ? new ImageEdit(kind, field, null, string.IsNullOrWhiteSpace(text) ? null : text.Trim())
            : null;
    }
}

/// <summary>
/// What one request does to one image: replace it with <see cref="Upload"/>, keep it (<see cref="SentUrl"/>, which must
/// be the current URL), or remove it (neither). <see cref="Field"/> is the key the client used, so errors name it.
/// </summary>
public sealed record ImageEdit(ImageKind Kind, ProfileField Field, ImageUpload? Upload, string? SentUrl)
{
    public bool IsRemoval => Upload is null && SentUrl is null;
}

/// <summary>A broken rule on one field.</summary>
public sealed record FieldViolation(ProfileField Field, RuleViolation Violation)
{
    /// <summary>Errors come back in the order of <see cref="ProfileFields.All"/>, whatever order the checks ran in.</summary>
    public static List<FieldViolation> InFieldOrder(IEnumerable<FieldViolation> violations) =>
        [.. violations.OrderBy(v => IndexOf(v.Field))];

    private static int IndexOf(ProfileField field)
    {
        for (var i = 0; i < ProfileFields.All.Count; i++)
        {
            if (ReferenceEquals(ProfileFields.All[i], field))
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
