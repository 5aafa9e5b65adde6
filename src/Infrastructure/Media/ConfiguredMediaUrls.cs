using CleanUser.Application.Common.Interfaces;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Media;

/// <summary>
/// Image URLs from <c>Media:PublicBaseUrl</c>, for callers outside an HTTP request (operator verbs,
/// internal modules). Without a configured base the URL is relative to the service root. With S3 the key follows the base
/// directly (docs/images.md#urls-and-serving).
/// </summary>
public sealed class ConfiguredMediaUrls(IOptions<MediaOptions> options) : IMediaUrls
{
    public string? ToPublicUrl(string? key) => Build(options.Value, options.Value.PublicBaseUrl?.ToString() ?? string.Empty, key);

    public static string? Build(MediaOptions options, string baseUrl, string? key)
    {
        ArgumentNullException.ThrowIfNull(options);
        return key is null ? null : $"{baseUrl.TrimEnd('/')}{options.KeyPath}/{key}";
    }
}
