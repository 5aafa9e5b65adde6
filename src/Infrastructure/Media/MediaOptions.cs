namespace CleanUser.Infrastructure.Media;

/// <summary>SPEC §10 <c>Media:*</c>.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>Folder for stored images; relative paths are under the content root.</summary>
    public string Root { get; set; } = Path.Combine("data", "media");

    /// <summary>Base of absolute image URLs; when unset the request's scheme and host are used.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The path the service serves stored images under.</summary>
    public const string RequestPath = "/media";
}
