using System.Text;
using CleanUser.WebApi.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CleanUser.WebApi.Users;

/// <summary>
/// Reads <c>multipart/form-data</c> as Django does, which ASP.NET's form reader cannot: a part that declares a
/// file name is a file, and a file part with an <em>empty</em> file name — what a browser sends for a file input
/// left empty — is skipped. ASP.NET would read that part as the text <c>""</c>, which here removes the image
/// (docs/api.md#fields), so an untouched file input would delete the user's avatar.
/// </summary>
public static class MultipartFormReader
{
    private const int MaxParts = 1024;

    /// <summary>The text parts and the file parts, each in the order they came.</summary>
    public sealed record Form(IReadOnlyList<(string Name, string Value)> Fields, IReadOnlyList<(string Name, byte[] Content)> Files);

    public static async Task<Form> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            throw RequestRejectedException.ParseError("Multipart form parse error - Invalid boundary in multipart: None");
        }

        // An empty body is a no-op, whatever its content type says (docs/api.md#request-bodies).
        if (request.ContentLength == 0 || (request.ContentLength is null && await IsEmptyAsync(request, cancellationToken).ConfigureAwait(false)))
        {
            return new Form([], []);
        }

        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = DependencyInjection.MaxRequestBodyBytes };
        var fields = new List<(string, string)>();
        var files = new List<(string, byte[])>();
        try
        {
            var parts = 0;
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (++parts > MaxParts)
                {
                    throw RequestRejectedException.ParseError($"Multipart form parse error - more than {MaxParts} parts.");
                }

                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) ||
                    StringSegment.IsNullOrEmpty(disposition.Name))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value!;
                if (disposition.FileName.HasValue || disposition.FileNameStar.HasValue)
                {
                    if (StringSegment.IsNullOrEmpty(disposition.FileName) && StringSegment.IsNullOrEmpty(disposition.FileNameStar))
                    {
                        continue; // an empty file input: no file was chosen
                    }

                    using var content = new MemoryStream();
                    await section.Body.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
                    files.Add((name, content.ToArray()));
                }
                else
                {
                    using var text = new StreamReader(section.Body, EncodingOf(section), detectEncodingFromByteOrderMarks: true,
                        bufferSize: 1024, leaveOpen: true);
                    fields.Add((name, await text.ReadToEndAsync(cancellationToken).ConfigureAwait(false)));
                }
            }
        }
        catch (InvalidDataException exception)
        {
            throw RequestRejectedException.ParseError($"Multipart form parse error - {exception.Message}");
        }
        catch (IOException exception) when (exception is not BadHttpRequestException)
        {
            // A body that ends before its closing boundary.
            throw RequestRejectedException.ParseError($"Multipart form parse error - {exception.Message}");
        }

        return new Form(fields, files);
    }

    private static async Task<bool> IsEmptyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        var probe = new byte[1];
        var empty = await request.Body.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0;
        request.Body.Position = 0;
        return empty;
    }

    private static Encoding EncodingOf(MultipartSection section) =>
        MediaTypeHeaderValue.TryParse(section.ContentType, out var type) && type.Encoding is { } encoding
            ? encoding
            : Encoding.UTF8;
}
