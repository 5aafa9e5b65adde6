using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Media;
using Microsoft.Extensions.Options;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>Image URLs on <c>Media:PublicBaseUrl</c>, or else on the scheme and host the request came to (docs/api.md#configuration).</summary>
public sealed class HttpMediaUrls(IHttpContextAccessor accessor, IOptions<MediaOptions> options) : IMediaUrls
{
    public string? ToPublicUrl(string? key)
    {
        var configured = options.Value.PublicBaseUrl;
        var request = accessor.HttpContext?.Request;
        var baseUrl = configured?.ToString()
                      ?? (request is null ? string.Empty : $"{request.Scheme}://{request.Host}{request.PathBase}");
        return ConfiguredMediaUrls.Build(baseUrl, key);
    }
}
