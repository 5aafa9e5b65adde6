using System.Buffers;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Infrastructure.Media;
using CleanUser.WebApi.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CleanUser.WebApi.Users;

/// <summary>
/// Reads <c>multipart/form-data</c> as a stream, part by part, keeping only what a profile can use
/// (docs/api.md#request-bodies):
/// <list type="bullet">
/// <item>A part whose name is not a writable field, or a file part of a field that takes no file, is skipped
/// unread — never held in memory, whatever its size.</item>
/// <item>A text part is kept up to <see cref="MaxTextPartBytes"/> (base64 image fields: the encoded size of the
/// largest image allowed, plus the same room); a longer one is refused at once on its field.</item>
/// <item>An image file part is kept up to the image byte limit (docs/api.md#images); a longer one is counted, not
/// kept, and the validator refuses it with <c>file_too_large</c> among the other field errors.</item>
/// </list>
/// As Django does and ASP.NET's form reader cannot: a file part with an <em>empty</em> file name — what a browser
/// sends for a file input left empty — is skipped. ASP.NET would read it as the text <c>""</c>, which removes the
/// image (docs/api.md#fields), so an untouched file input would delete the user's avatar.
/// </summary>
public static class MultipartFormReader
{
    /// <summary>The most parts (and form pairs, <see cref="PatchBodyReader"/>) one body may have.</summary>
    public const int MaxParts = 1024;

    /// <summary>
    /// The largest text part kept: the longest text field (<c>bio</c>, 5000 code points, at most 20 000 bytes of
    /// UTF-8) with ample room for the white space trimmed around it.
    /// </summary>
    public const int MaxTextPartBytes = 64 * 1024;

    /// <summary>The text parts and the image files, by field name; of a name sent twice, the last part.</summary>
    public sealed record Form(IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, ImageUpload> Files);

    public static async Task<Form> ReadAsync(HttpRequest request, MediaOptions media, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(media);
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            throw RequestRejectedException.ParseError("Multipart form parse error - Invalid boundary in multipart: None");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, ImageUpload>(StringComparer.Ordinal);

        // An empty body is a no-op, whatever its content type says (docs/api.md#request-bodies). Look without taking,
        // and read everything through the same pipe, so nothing is buffered to find out.
        var body = request.BodyReader;
        var peek = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
        var isEmpty = peek.Buffer.IsEmpty && peek.IsCompleted;
        body.AdvanceTo(peek.Buffer.Start);
        if (isEmpty)
        {
            return new Form(fields, files);
        }

        var reader = new MultipartReader(boundary, body.AsStream()) { BodyLengthLimit = DependencyInjection.MaxRequestBodyBytes };
        try
        {
            var parts = 0;
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (++parts > MaxParts)
                {
                    throw RequestRejectedException.ParseError($"Multipart form parse error - more than {MaxParts} parts.");
                }

                // Whatever is not read here is skipped by the next ReadNextSectionAsync, through a small pooled buffer.
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) ||
                    ProfileFields.Find(HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "") is not { } field)
                {
                    continue;
                }

                var imageLimit = field.Image is { } kind ? MaxImageBytes(kind, media) : 0;
                // The raw parameters, not FileName/FileNameStar: those decode, and throw on a parameter without a value
                // (`filename*`); only whether a file name is there, and empty, matters here.
                var fileNames = disposition.Parameters.Where(p => IsFileName(p.Name)).ToList();
                if (fileNames.Count > 0)
                {
                    var noFileChosen = fileNames.All(p => IsEmptyFileName(p.Value));
                    if (field is { Image: not null, IsBase64: false } && !noFileChosen)
                    {
                        files[field.Name] = await ReadFileAsync(section.Body, imageLimit, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                var limit = field.IsBase64 ? Base64Length(imageLimit) + MaxTextPartBytes : MaxTextPartBytes;
                var (text, length) = await ReadPartAsync(section.Body, limit, cancellationToken).ConfigureAwait(false);
                if (text is null)
                {
                    throw RequestRejectedException.InvalidFields([field.IsBase64
                        ? (field.Name, ImageRules.FileTooLarge, ImageRules.TooManyBytes(imageLimit).Message)
                        : (field.Name, RuleCodes.MaxLength, $"The part is {length} bytes long; a text part may have at most {limit}.")]);
                }

                using (text)
                {
                    fields[field.Name] = BodyText.Decode(text.GetBuffer().AsSpan(0, (int)text.Length),
                        MediaTypeHeaderValue.TryParse(section.ContentType, out var partType) ? BodyText.DeclaredEncoding(partType) : null);
                }
            }
        }
        catch (InvalidDataException exception)
        {
            throw RequestRejectedException.ParseError($"Multipart form parse error - {exception.Message}");
        }

        return new Form(fields, files);
    }

    /// <summary>An image file: its bytes, or — when there are more than <paramref name="limit"/> — only its length, which the validator refuses.</summary>
    private static bool IsFileName(StringSegment name) =>
        name.Equals("filename", StringComparison.OrdinalIgnoreCase) || name.Equals("filename*", StringComparison.OrdinalIgnoreCase);

    /// <summary>No file chosen: <c>filename=""</c>, <c>filename*=UTF-8''</c>, or a name without a value at all.</summary>
    private static bool IsEmptyFileName(StringSegment value)
    {
        var name = HeaderUtilities.RemoveQuotes(value);
        var encoded = name.Value?.LastIndexOf("''", StringComparison.Ordinal) ?? -1;
        return StringSegment.IsNullOrEmpty(encoded < 0 ? name : name.Subsegment(encoded + 2));
    }

    private static async Task<ImageUpload> ReadFileAsync(Stream part, long limit, CancellationToken cancellationToken)
    {
        var (content, length) = await ReadPartAsync(part, limit, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return new ImageUpload(length, () => Stream.Null);
        }

        var bytes = content.GetBuffer();
        return new ImageUpload(length, () => new MemoryStream(bytes, 0, (int)length, writable: false));
    }

    /// <summary>
    /// Reads a part to its end, keeping at most <paramref name="limit"/> bytes: the bytes (<c>null</c> when there were
    /// more; the rest is then only counted) and how many there were.
    /// </summary>
    private static async Task<(MemoryStream? Content, long Length)> ReadPartAsync(Stream part, long limit, CancellationToken cancellationToken)
    {
        var content = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long length = 0;
            int read;
            while ((read = await part.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (content is not null && length > limit)
                {
                    await content.DisposeAsync().ConfigureAwait(false);
                    content = null;
                }

                content?.Write(buffer, 0, read);
            }

            return (content, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static long MaxImageBytes(ImageKind kind, MediaOptions media) =>
        kind == ImageKind.Avatar ? media.MaxAvatarBytes : media.MaxCoverBytes;

    private static long Base64Length(long bytes) => (bytes + 2) / 3 * 4;
}
