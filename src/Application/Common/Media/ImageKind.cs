namespace CleanUser.Application.Common.Media;

/// <summary>The two images a profile has; each has its own limits and shape (docs/api.md#images).</summary>
public enum ImageKind
{
    Avatar,
    Cover,
}
