namespace CleanUser.Infrastructure.Media;

/// <summary>docs/api.md#configuration <c>Media:*</c>.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>Folder for stored images; relative paths are under the content root.</summary>
    public string Root { get; set; } = Path.Combine("data", "media");

    /// <summary>Base of absolute image URLs; when unset the request's scheme and host are used.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>docs/api.md#images: the largest avatar file accepted (decoded size for base64).</summary>
    public long MaxAvatarBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>docs/api.md#images: the largest cover file accepted (decoded size for base64).</summary>
    public long MaxCoverBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>The path the service serves stored images under.</summary>
    public const string RequestPath = "/media";
}
