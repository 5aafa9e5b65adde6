namespace CleanUser.Application.Common.Media;

/// <summary>The two images a profile has; each has its own limits and shape (SPEC §7).</summary>
public enum ImageKind
{
    Avatar,
    Cover,
}
