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

    /// <summary>docs/images.md#load: how many images are decoded at once; each may be a bitmap of 200 MB.</summary>
    public int MaxConcurrentProcessing { get; set; } = Environment.ProcessorCount;

    /// <summary>docs/images.md#load: how many more may wait for a turn; one more is refused with 503.</summary>
    public int MaxQueuedProcessing { get; set; } = 32;

    /// <summary>The path the service serves stored images under.</summary>
    public const string RequestPath = "/media";
}
