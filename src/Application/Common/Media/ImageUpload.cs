namespace CleanUser.Application.Common.Media;

/// <summary>
/// An image as a client sent it, not yet trusted: a multipart file part, decoded base64, or bytes an internal
/// caller has. The length is known up front, so an oversized file is refused before it is read.
/// </summary>
public sealed class ImageUpload
{
    private readonly Func<Stream> _openRead;

    /// <param name="length">The number of bytes <paramref name="openRead"/> yields.</param>
    /// <param name="openRead">Opens a fresh stream over the content; it may be called more than once.</param>
    public ImageUpload(long length, Func<Stream> openRead)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentNullException.ThrowIfNull(openRead);
        Length = length;
        _openRead = openRead;
    }

    public long Length { get; }

    public static ImageUpload FromBytes(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new ImageUpload(content.Length, () => new MemoryStream(content, writable: false));
    }

    /// <summary>The whole content. Reads at most <see cref="Length"/> bytes, whatever the stream would go on to give.</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[Length];
        var stream = _openRead();
        await using (stream.ConfigureAwait(false))
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return buffer[..read];
                }

                read += n;
            }
        }

        return buffer;
    }
}
