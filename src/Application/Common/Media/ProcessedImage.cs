using System.Security.Cryptography;
using CleanUser.Domain.Common;

namespace CleanUser.Application.Common.Media;

/// <summary>An image re-encoded by the service: upright, resized, no metadata (docs/api.md#images).</summary>
/// <param name="FileExtension">Without the dot: <c>jpg</c> or <c>png</c>.</param>
public sealed record ProcessedImage(byte[] Content, string ContentType, string FileExtension, int Width, int Height)
{
    /// <summary>The SHA-256 of <see cref="Content"/>, lower-case hex: the first part of the image's stored name (<see cref="MediaKeys"/>).</summary>
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Content ?? throw new ArgumentNullException(nameof(Content))));
}

/// <summary>What processing an upload gave: the image, or the rule it broke (docs/api.md#errors image codes).</summary>
public sealed record ImageProcessingResult
{
    private ImageProcessingResult(ProcessedImage? image, RuleViolation? violation)
    {
        Image = image;
        Violation = violation;
    }

    public ProcessedImage? Image { get; }

    public RuleViolation? Violation { get; }

    public static ImageProcessingResult Success(ProcessedImage image) => new(image ?? throw new ArgumentNullException(nameof(image)), null);

    public static ImageProcessingResult Refused(RuleViolation violation) => new(null, violation ?? throw new ArgumentNullException(nameof(violation)));
}
