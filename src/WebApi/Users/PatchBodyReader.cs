using System.Text.Json;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.JsonPatchUser;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using CleanUser.WebApi.Infrastructure;
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
        var command = new PatchUserCommand(userId, ProfilePatch.Empty) { IsFullUpdate = isFullUpdate, ExpectedVersions = expectedVersions };
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
            ? parsed.MediaType.Value?.ToLowerInvariant()
            : null;

        switch (mediaType)
        {
            case Json or MergePatch:
                return ReadJson(await ReadAllAsync(request, cancellationToken).ConfigureAwait(false), command);
            case Form:
                return await ReadFormAsync(request, command, cancellationToken).ConfigureAwait(false);
            case JsonPatch when !isFullUpdate:
                return new JsonPatchUserCommand(userId,
                    JsonPatchReader.Read(await ReadAllAsync(request, cancellationToken).ConfigureAwait(false)))
                {
                    ExpectedVersions = expectedVersions,
                };
            case Multipart:
                return await ReadMultipartAsync(request, command, cancellationToken).ConfigureAwait(false);
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
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static PatchUserCommand ReadJson(byte[] body, PatchUserCommand command)
    {
        if (body.Length == 0)
        {
            return command;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException exception)
        {
            throw RequestRejectedException.ParseError($"JSON parse error - {exception.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw RequestRejectedException.ParseError("The body must be a JSON object.");
            }

            JsonText.EnsureReadable(document.RootElement);

            var values = new List<KeyValuePair<string, string?>>();
            var typeErrors = new List<(string, string, string)>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (ProfileFields.Find(property.Name) is null)
                {
                    continue;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String or JsonValueKind.Null:
                        values.Add(KeyValuePair.Create(property.Name, property.Value.GetString()));
                        break;
                    default:
                        typeErrors.Add((property.Name, "invalid", "Not a valid string."));
                        break;
                }
            }

            return typeErrors.Count > 0
                ? throw RequestRejectedException.InvalidFields(typeErrors)
                : command with { Patch = ProfilePatch.Parse(values) };
        }
    }

    private static async Task<PatchUserCommand> ReadFormAsync(HttpRequest request, PatchUserCommand command,
        CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException exception)
        {
            throw RequestRejectedException.ParseError($"Multipart form parse error - {exception.Message}");
        }

        // Several values for one key: the last one counts, as in Django's QueryDict.
        return command with { Patch = ProfilePatch.Parse(form.Select(f => KeyValuePair.Create(f.Key, (string?)f.Value[^1]))) };
    }

    /// <summary>
    /// Text parts as in a form; file parts <c>avatar</c> and <c>cover</c> become image uploads (docs/api.md#fields). The last
    /// part of a name counts; files under other names are ignored.
    /// </summary>
    private static async Task<PatchUserCommand> ReadMultipartAsync(HttpRequest request, PatchUserCommand command,
        CancellationToken cancellationToken)
    {
        var form = await MultipartFormReader.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        return command with
        {
            Patch = ProfilePatch.Parse(
                form.Fields.Select(f => KeyValuePair.Create(f.Name, (string?)f.Value)),
                form.Files.Select(f => KeyValuePair.Create(f.Name, ImageUpload.FromBytes(f.Content)))),
        };
    }
}

/// <summary>
/// The JSON parser accepts strings that are not text — invalid UTF-8 bytes, an escaped lone surrogate
/// (<c>"\ud800"</c>) — and fails only when one is read. Reading every string (and name) once up front turns that
/// into a 400 <c>parse_error</c> instead of a failure deep inside the request.
/// </summary>
internal static class JsonText
{
    public static void EnsureReadable(JsonElement element)
    {
        try
        {
            Visit(element);
        }
        catch (InvalidOperationException exception)
        {
            throw RequestRejectedException.ParseError($"JSON parse error - {exception.Message}");
        }
    }

    private static void Visit(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Visit(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item);
                }

                break;
        }
    }
}
