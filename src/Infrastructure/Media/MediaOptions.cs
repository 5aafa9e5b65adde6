namespace CleanUser.Infrastructure.Media;

/// <summary>docs/api.md#configuration <c>Media:*</c>.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>docs/images.md#storage: where images are kept — files under <see cref="Root"/>, or an S3-compatible store.</summary>
    public MediaProvider Provider { get; set; } = MediaProvider.Local;

    /// <summary>Folder for stored images; relative paths are under the content root.</summary>
    public string Root { get; set; } = Path.Combine("data", "media");

    /// <summary>docs/images.md#s3: the store used with <c>Media:Provider=S3</c>.</summary>
    public S3MediaOptions S3 { get; set; } = new();

    /// <summary>Base of absolute image URLs; when unset the request's scheme and host are used. Required with S3.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>docs/api.md#images: the largest avatar file accepted (decoded size for base64).</summary>
    public long MaxAvatarBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>docs/api.md#images: the largest cover file accepted (decoded size for base64).</summary>
    public long MaxCoverBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>docs/images.md#load: how many images are decoded at once; each may be a bitmap of 200 MB.</summary>
    public int MaxConcurrentProcessing { get; set; } = Environment.ProcessorCount;

    /// <summary>docs/images.md#load: how many more may wait for a turn; one more is refused with 503.</summary>
    public int MaxQueuedProcessing { get; set; } = 32;

    /// <summary>The path the service serves stored images under (the local store only).</summary>
    public const string RequestPath = "/media";

    /// <summary>docs/images.md#urls-and-serving: how long a stored image may be cached — forever, as its name never changes content.</summary>
    public const string CacheControl = "public, max-age=31536000, immutable";

    /// <summary>
    /// What comes between the base URL and an image's key: <see cref="RequestPath"/> where the service serves the
    /// images itself, nothing with S3, whose <see cref="PublicBaseUrl"/> is the bucket or a CDN in front of it.
    /// </summary>
    public string KeyPath => Provider is MediaProvider.S3 ? string.Empty : RequestPath;

    /// <summary>Refuses settings the chosen store cannot work with, naming the key (a start-up error).</summary>
    public void EnsureUsable()
    {
        if (Provider is not MediaProvider.S3)
        {
            return;
        }

        S3.EnsureUsable();
        if (PublicBaseUrl is null)
        {
            throw new InvalidOperationException(
                "Media:PublicBaseUrl is required with Media:Provider=S3: image URLs are that address followed by the key " +
                "(the bucket's public address, or a CDN in front of it).");
        }
    }
}

/// <summary>docs/images.md#storage: the values of <c>Media:Provider</c>.</summary>
public enum MediaProvider
{
    /// <summary>Files under <c>Media:Root</c>, served by the service under <c>/media/</c>.</summary>
    Local,

    /// <summary>An S3-compatible store (<c>Media:S3:*</c>); clients fetch images from it (or a CDN), not from the service.</summary>
    S3,
}
