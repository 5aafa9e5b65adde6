using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Media;

/// <summary>
/// Images as files under <c>Media:Root</c>: <c>&lt;root&gt;/avatars/&lt;key name&gt;.jpg</c>. A file is written under a
/// temporary name and renamed into place, so a reader never sees half an image, and never over an existing one, so a
/// name, once there, never changes content. A full disk leaves no partial file behind and is a 503 (try again later).
/// Only keys of the <see cref="MediaKeys"/> shape are touched, which rules out path traversal.
/// </summary>
public sealed class LocalDiskMediaStorage(IOptions<MediaOptions> options) : IMediaStorage
{
    /// <summary>Linux errno values for "no space left on device" and "disk quota exceeded", which .NET reports as the HResult.</summary>
    private const int NoSpaceLeft = 28;
    private const int QuotaExceeded = 122;

    public async Task SaveAsync(string key, ProcessedImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!MediaKeys.IsWellFormed(key))
        {
            throw new ArgumentException($"'{key}' is not a media key.", nameof(key));
        }

        var path = PathOf(key);
        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            try
            {
                await File.WriteAllBytesAsync(temporary, image.Content, cancellationToken).ConfigureAwait(false);
                File.Move(temporary, path, overwrite: false);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        catch (IOException exception) when (exception.HResult is NoSpaceLeft or QuotaExceeded)
        {
            throw new ServiceUnavailableException("The image storage is full; try again later.", exception);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (MediaKeys.IsWellFormed(key))
        {
            try
            {
                File.Delete(PathOf(key));
            }
            catch (DirectoryNotFoundException)
            {
                // Nothing was ever stored in that folder: already gone.
            }
        }

        return Task.CompletedTask;
    }

    public Task<MediaContent?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!MediaKeys.IsWellFormed(key))
        {
            return Task.FromResult<MediaContent?>(null);
        }

        var path = PathOf(key);
        try
        {
            // FileShare.Delete: a replaced image may be removed while someone is still downloading it.
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            var contentType = key.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg";
            return Task.FromResult<MediaContent?>(
                new MediaContent(stream, contentType, stream.Length, File.GetLastWriteTimeUtc(path)));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<MediaContent?>(null);
        }
    }

    private string PathOf(string key)
    {
        var root = Path.GetFullPath(options.Value.Root);
        var path = Path.GetFullPath(Path.Combine(root, key));
        // The key shape already excludes "..", separators and roots; this keeps it true if the shape ever changes.
        return path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException("The media key points outside the media folder.", nameof(key));
    }
}
