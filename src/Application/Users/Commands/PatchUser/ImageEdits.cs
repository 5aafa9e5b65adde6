using CleanUser.Application.Common.Media;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// What one request does to one image: replace it with <see cref="Upload"/>, or remove it (<c>Upload</c> is
/// <c>null</c>). <see cref="Field"/> is the key the client used, so an error names what the client sent.
/// </summary>
internal sealed record ImageEdit(ImageKind Kind, string Field, ImageUpload? Upload);

/// <summary>Reads the image inputs of a <see cref="PatchUserCommand"/>; the validator and the handler read them alike.</summary>
internal static class ImageEdits
{
    public static ImageEdit? Avatar(PatchUserCommand command, ICollection<FieldViolation> violations) =>
        Resolve(ImageKind.Avatar, UserFields.Avatar, UserFields.AvatarBase64, command.AvatarImage, command.AvatarBase64, violations);

    public static ImageEdit? Cover(PatchUserCommand command, ICollection<FieldViolation> violations) =>
        Resolve(ImageKind.Cover, UserFields.Cover, UserFields.CoverBase64, command.CoverImage, command.CoverBase64, violations);

    /// <summary>
    /// The edit asked for through a file or base64, or <c>null</c> when neither was sent (the <c>avatar</c> /
    /// <c>cover</c> text, if any, then decides). Unusable input is added to <paramref name="violations"/>.
    /// </summary>
    private static ImageEdit? Resolve(ImageKind kind, string field, string base64Field, Optional<ImageUpload?> image,
        Optional<string?> base64, ICollection<FieldViolation> violations)
    {
        var base64Blank = base64.HasValue && string.IsNullOrWhiteSpace(base64.Value);
        if (image.HasValue)
        {
            if (base64.HasValue && !base64Blank)
            {
                violations.Add(new FieldViolation(base64Field, RuleViolation.Invalid(
                    $"Send the new image once: either a file in '{field}' or '{base64Field}', not both.")));
                return null;
            }

            return new ImageEdit(kind, field, image.Value);
        }

        if (!base64.HasValue)
        {
            return null;
        }

        if (base64Blank)
        {
            return new ImageEdit(kind, base64Field, null);
        }

        if (!ImageDataUrl.TryDecode(base64.Value!, out var content))
        {
            // The bytes never arrive, so as far as the client can tell no valid image was sent.
            violations.Add(new FieldViolation(base64Field, ImageRules.NotAnImage("the text is not base64 image data")));
            return null;
        }

        return new ImageEdit(kind, base64Field, ImageUpload.FromBytes(content));
    }
}
