using CleanUser.Application.Common.Interfaces;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Media;

/// <summary>
/// Image URLs from <c>Media:PublicBaseUrl</c>, for callers outside an HTTP request (operator verbs,
/// internal modules). Without a configured base the URL is relative to the service root.
/// </summary>
public sealed class ConfiguredMediaUrls(IOptions<MediaOptions> options) : IMediaUrls
{
    public string? ToPublicUrl(string? key) => Build(options.Value.PublicBaseUrl?.ToString() ?? string.Empty, key);

    public static string? Build(string baseUrl, string? key) =>
        key is null ? null : $"{baseUrl.TrimEnd('/')}{MediaOptions.RequestPath}/{key}";
}
