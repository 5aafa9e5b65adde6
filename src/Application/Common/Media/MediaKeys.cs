using System.Text.RegularExpressions;

namespace CleanUser.Application.Common.Media;

/// <summary>
/// Names of stored images: <c>avatars/&lt;sha256&gt;.jpg</c>, <c>covers/&lt;sha256&gt;.png</c>. The name comes from the
/// content, so the same image always has the same name and a name never changes meaning, which is what lets
/// its URL be cached forever. Nothing that does not have this exact shape is ever read or deleted.
/// </summary>
public static partial class MediaKeys
{
    public static string FolderFor(ImageKind kind) => kind switch
    {
        ImageKind.Avatar => "avatars",
        ImageKind.Cover => "covers",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool IsWellFormed(string? key) => key is not null && Shape().IsMatch(key);

    [GeneratedRegex(@"^(avatars|covers)/[0-9a-f]{64}\.(jpg|png)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
