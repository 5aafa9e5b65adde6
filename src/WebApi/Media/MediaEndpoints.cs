using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Media;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CleanUser.WebApi.Media;

/// <summary>
/// docs/api.md#images: stored images at <c>/media/&lt;key&gt;</c>. A key names one content for good
/// (docs/images.md#storage), so a URL never changes meaning and can be cached forever. The storage opens only keys of
/// the exact stored shape; anything else — another path, <c>..</c>, an encoded separator — is a 404 with the
/// docs/api.md#errors body. With <c>Media:Provider=S3</c> the images are fetched from the store (or a CDN) and this is
/// not mapped: every <c>/media/</c> path is the 404 of any unknown path (docs/adr/0021-s3-media.md).
/// </summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ServiceProvider.GetRequiredService<IOptions<MediaOptions>>().Value.Provider is not MediaProvider.Local)
        {
            return app;
        }

        app.MapMethods(MediaOptions.RequestPath + "/{**key}", [HttpMethods.Get, HttpMethods.Head], Get);
        return app;
    }

    private static async Task<IResult> Get(string? key, IMediaStorage storage, HttpContext context)
    {
        // Optional, so that a bare /media/ is the 404 of any other unknown image rather than a binding error.
        var media = await storage.OpenReadAsync(key ?? string.Empty, context.RequestAborted).ConfigureAwait(false)
                    ?? throw new NotFoundException("image", key ?? string.Empty);

        var headers = context.Response.Headers;
        headers[HeaderNames.CacheControl] = MediaOptions.CacheControl;
        // A name never changes content: it is the entity tag, and If-None-Match gets a 304.
        var tag = new EntityTagHeaderValue($"\"{Path.GetFileNameWithoutExtension(key)}\"");
        return Results.Stream(media.Content, media.ContentType, lastModified: media.LastModified, entityTag: tag);
    }
}
