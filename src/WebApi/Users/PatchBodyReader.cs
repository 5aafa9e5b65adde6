using System.Net;
using System.Text;
using System.Text.Json;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.JsonPatchUser;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Infrastructure.Media;
using CleanUser.WebApi.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CleanUser.WebApi.Users;

/// <summary>
/// Reads a PATCH or PUT body, whatever its content type (docs/api.md#request-bodies), into one command: a
/// <see cref="PatchUserCommand"/>, or for JSON Patch a <see cref="JsonPatchUserCommand"/>. Nothing about HTTP
/// goes further than this.
/// </summary>
public static class PatchBodyReader
{
    public const string Json = "application/json";
    public const string MergePatch = "application/merge-patch+json";
    public const string Form = "application/x-www-form-urlencoded";
    public const string Multipart = "multipart/form-data";
    public const string JsonPatch = "application/json-patch+json";

    /// <summary>RFC 5789 <c>Accept-Patch</c>: the patch formats PATCH understands.</summary>
    public static readonly string AcceptPatch = string.Join(", ", Json, MergePatch, JsonPatch, Form, Multipart);

    /// <param name="isFullUpdate">PUT: <c>username</c> is required, and JSON Patch is not a full representation.</param>
    /// <param name="expectedVersions">The versions of <c>If-Match</c>, or <c>null</c> when the client pinned none.</param>
    public static async Task<ICommand<UserDto>> ReadAsync(HttpRequest request, long userId, bool isFullUpdate,
        IReadOnlyCollection<long>? expectedVersions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await ReadCommandAsync(request, userId, isFullUpdate, expectedVersions, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception) when (exception is not BadHttpRequestException)
        {
            // A body the client broke: Kestrel reports some bad chunked framing (an overflowing chunk size) as a bare
            // IOException, and so is a body that ends early. The client's mistake, not the service's
            // (docs/security.md#request-bodies). Kestrel's own BadHttpRequestException (400, or 413) is mapped as it is.
            throw RequestRejectedException.ParseError($"The request body could not be read - {exception.Message}");
        }
    }

    private static async Task<ICommand<UserDto>> ReadCommandAsync(HttpRequest request, long userId, bool isFullUpdate,
        IReadOnlyCollection<long>? expectedVersions, CancellationToken cancellationToken)
    {
        var command = new PatchUserCommand(userId, ProfilePatch.Empty) { IsFullUpdate = isFullUpdate, ExpectedVersions = expectedVersions };
        var contentType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed : null;
        var services = request.HttpContext.RequestServices;

        switch (contentType?.MediaType.Value?.ToLowerInvariant())
        {
            case Json or MergePatch:
                return ReadJson(await ReadAllAsync(request, cancellationToken).ConfigureAwait(false), command);
            case Form:
                return command with
                {
                    Patch = ProfilePatch.Parse(ReadForm(await ReadAllAsync(request, cancellationToken).ConfigureAwait(false), BodyText.DeclaredEncoding(contentType!))),
                };
            case JsonPatch when !isFullUpdate:
                return new JsonPatchUserCommand(userId, JsonPatchReader.Read(await ReadAllAsync(request, cancellationToken).ConfigureAwait(false),
                    services.GetRequiredService<IOptions<JsonPatchOptions>>().Value.MaxOperations))
                {
                    ExpectedVersions = expectedVersions,
                };
            case Multipart:
                var form = await MultipartFormReader.ReadAsync(request, services.GetRequiredService<IOptions<MediaOptions>>().Value,
                    cancellationToken).ConfigureAwait(false);
                return command with
                {
                    Patch = ProfilePatch.Parse(form.Fields.Select(f => KeyValuePair.Create(f.Key, (string?)f.Value)), form.Files),
                };
            default:
                // An empty body is a no-op whatever it claims to be (the official client sends none at all).
                if ((await ReadAllAsync(request, cancellationToken).ConfigureAwait(false)).Length == 0)
                {
                    return command;
                }

                throw RequestRejectedException.UnsupportedMediaType(request.ContentType);
        }
    }

    private static async Task<byte[]> ReadAllAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // A declared length (Kestrel holds the body to it, within the cap) is read into one array of that size: no
        // doubling copies of a large body left for the collector (docs/operations.md#memory).
        if (request.ContentLength is { } length and <= DependencyInjection.MaxRequestBodyBytes)
        {
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            return body;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>
    /// A JSON object, read token by token: a <c>JsonDocument</c> would rent index space the size of the body from the
    /// shared array pool, which keeps it for a minute after a large body (a base64 image) — the reader allocates only
    /// the strings of the fields kept (docs/adr/0022-memory.md).
    /// </summary>
    private static PatchUserCommand ReadJson(byte[] body, PatchUserCommand command)
    {
        if (body.Length == 0)
        {
            return command;
        }

        var values = new List<KeyValuePair<string, string?>>();
        var typeErrors = new List<(string, string, string)>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                BodyText.SkipReadable(ref reader);
                reader.Read(); // a parse error after the value still comes first
                throw RequestRejectedException.ParseError("The body must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                var kept = ProfileFields.Find(name) is not null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String when kept:
                        values.Add(KeyValuePair.Create(name, reader.GetString()));
                        break;
                    case JsonTokenType.Null when kept:
                        values.Add(KeyValuePair.Create(name, (string?)null));
                        break;
                    default:
                        if (kept)
                        {
                            typeErrors.Add((name, "invalid", "Not a valid string."));
                        }

                        BodyText.SkipReadable(ref reader);
                        break;
                }
            }

            reader.Read(); // nothing but white space after the object
        }
        catch (JsonException exception)
        {
            throw RequestRejectedException.ParseError($"JSON parse error - {exception.Message}");
        }
        catch (InvalidOperationException exception)
        {
            throw RequestRejectedException.ParseError($"JSON parse error - {exception.Message}");
        }

        return typeErrors.Count > 0
            ? throw RequestRejectedException.InvalidFields(typeErrors)
            : command with { Patch = ProfilePatch.Parse(values) };
    }

    /// <summary>
    /// <c>application/x-www-form-urlencoded</c> as the WHATWG URL standard reads it: pairs split at <c>&amp;</c> and
    /// <c>=</c>, then <c>+</c> and percent escapes decoded to bytes, and the bytes to text — strictly (<see cref="BodyText"/>).
    /// ASP.NET's form reader is not used: it leaves escapes that are not UTF-8 (<c>%ED%A0%80</c>, a lone surrogate) in the
    /// text as they came. Every pair is kept in order; for a key sent twice the last value counts (Django's <c>QueryDict</c>).
    /// </summary>
    private static List<KeyValuePair<string, string?>> ReadForm(byte[] body, Encoding? charset)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var range in body.AsSpan().Split((byte)'&'))
        {
            var (start, length) = range.GetOffsetAndLength(body.Length);
            if (length == 0)
            {
                continue;
            }

            if (pairs.Count == MultipartFormReader.MaxParts)
            {
                throw RequestRejectedException.ParseError($"Form parse error - more than {MultipartFormReader.MaxParts} fields.");
            }

            var equals = body.AsSpan(start, length).IndexOf((byte)'=');
            var name = equals < 0 ? length : equals;
            pairs.Add(KeyValuePair.Create(Decode(body, start, name, charset),
                (string?)(equals < 0 ? "" : Decode(body, start + equals + 1, length - equals - 1, charset))));
        }

        return pairs;
    }

    private static string Decode(byte[] body, int start, int length, Encoding? charset) =>
        BodyText.Decode(WebUtility.UrlDecodeToBytes(body, start, length), charset);
}
