using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace CleanUser.Application.Common.Media;

/// <summary>
/// Names of stored images: <c>avatars/&lt;sha256&gt;-&lt;random&gt;.jpg</c>,
/// <c>covers/&lt;sha256&gt;-&lt;random&gt;.png</c>. Every stored upload gets a name of its own
/// (docs/adr/0012-image-processing-and-files.md): the content's hash, then 128 random bits. So a name never changes
/// meaning, which is what lets its URL be cached forever, and a name is never taken up again once a profile let it
/// go, which is what makes deleting a replaced image safe. Names of the older shape, <c>avatars/&lt;sha256&gt;.jpg</c>,
/// shared by every profile with the same picture, are still served and deleted, never made. Nothing that does not
/// have one of these exact shapes is ever read or deleted.
/// </summary>
public static partial class MediaKeys
{
    private const int HashLength = 64;

    public static string FolderFor(ImageKind kind) => kind switch
    {
        ImageKind.Avatar => "avatars",
        ImageKind.Cover => "covers",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A name for <paramref name="image"/> that no other stored file has or had.</summary>
    public static string NewKey(ImageKind kind, ProcessedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return $"{FolderFor(kind)}/{image.Sha256}-{RandomNumberGenerator.GetHexString(32, lowercase: true)}.{image.FileExtension}";
    }

    /// <summary>Whether the stored image <paramref name="key"/> has exactly the content of <paramref name="image"/>.</summary>
    public static bool HasContentOf(string? key, ProcessedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return IsWellFormed(key) &&
               string.Equals(key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..][..HashLength], image.Sha256, StringComparison.Ordinal);
    }

    public static bool IsWellFormed([NotNullWhen(true)] string? key) => key is not null && Shape().IsMatch(key);

    [GeneratedRegex(@"^(avatars|covers)/[0-9a-f]{64}(-[0-9a-f]{32})?\.(jpg|png)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
