using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Media;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// Image URLs on <c>Media:PublicBaseUrl</c>, or else on the scheme and host the request came to (docs/api.md#configuration).
/// That host is one <c>AllowedHosts</c> lets through: ASP.NET Core's host filtering refuses any other before a request
/// gets here. Outside Development one of the two must be set (<see cref="EnsureTrustedBase"/>), so a client cannot
/// choose the host written into the URLs others read.
/// </summary>
public sealed class HttpMediaUrls(IHttpContextAccessor accessor, IOptions<MediaOptions> options) : IMediaUrls
{
    public string? ToPublicUrl(string? key)
    {
        var configured = options.Value.PublicBaseUrl;
        var request = accessor.HttpContext?.Request;
        var baseUrl = configured?.ToString()
                      ?? (request is null ? string.Empty : $"{request.Scheme}://{request.Host}{request.PathBase}");
        return ConfiguredMediaUrls.Build(options.Value, baseUrl, key);
    }

    /// <summary>Refuses to serve outside Development with neither <c>Media:PublicBaseUrl</c> nor a list of <c>AllowedHosts</c>.</summary>
    public static void EnsureTrustedBase(IServiceProvider services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);
        var hosts = services.GetRequiredService<IOptions<HostFilteringOptions>>().Value.AllowedHosts;
        var anyHost = hosts.Count == 0 || hosts.Contains("*");
        if (!environment.IsDevelopment() && anyHost && services.GetRequiredService<IOptions<MediaOptions>>().Value.PublicBaseUrl is null)
        {
            throw new InvalidOperationException(
                "Media:PublicBaseUrl is not set and AllowedHosts allows any host, so image URLs would carry whatever host a " +
                "client sends. Set Media:PublicBaseUrl to the public address, or AllowedHosts to the host names the service answers to.");
        }
    }
}
