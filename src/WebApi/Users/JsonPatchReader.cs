using System.Globalization;
using System.Text.Json;
using CleanUser.Application.Users.Commands.JsonPatchUser;
using CleanUser.WebApi.Infrastructure;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace CleanUser.WebApi.Users;

/// <summary>
/// Parses an RFC 6902 document. The patch library is lenient where the RFC is not (a <c>replace</c> without
/// <c>value</c> would quietly write null), so the shape of every operation is checked first.
/// </summary>
public static class JsonPatchReader
{
    // RFC 6901: JSON Pointers are case-sensitive; "/Bio" is not "/bio".
    private static readonly JsonSerializerOptions PointerOptions = new(WireJson.Options)
    {
        PropertyNameCaseInsensitive = false,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    private static readonly HashSet<string> Operations = new(StringComparer.Ordinal) { "add", "remove", "replace", "move", "copy", "test" };

    public static JsonPatchDocument<PatchableProfile> Read(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            using (var document = JsonDocument.Parse(body))
            {
                JsonText.EnsureReadable(document.RootElement);
                CheckShape(document.RootElement);
            }

            var patch = JsonSerializer.Deserialize<JsonPatchDocument<PatchableProfile>>(body, WireJson.Options)
                        ?? throw RequestRejectedException.ParseError("A JSON Patch document is an array of operations.");
            patch.SerializerOptions = PointerOptions;
            return patch;
        }
        catch (JsonException exception)
        {
            throw RequestRejectedException.ParseError($"JSON Patch parse error - {exception.Message}");
        }
    }

    private static void CheckShape(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw RequestRejectedException.ParseError("A JSON Patch document is an array of operations.");
        }

        var index = 0;
        foreach (var operation in root.EnumerateArray())
        {
            var problem = ShapeProblem(operation);
            if (problem is not null)
            {
                throw RequestRejectedException.ParseError(string.Create(CultureInfo.InvariantCulture, $"Operation {index}: {problem}"));
            }

            index++;
        }
    }

    private static string? ShapeProblem(JsonElement operation)
    {
        if (operation.ValueKind != JsonValueKind.Object)
        {
            return "an operation is a JSON object.";
        }

        if (!operation.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String || !Operations.Contains(op.GetString()!))
        {
            return "'op' must be one of add, remove, replace, move, copy, test.";
        }

        if (!IsPointer(operation, "path"))
        {
            return "'path' must be a JSON Pointer string.";
        }

        var name = op.GetString();
        if (name is "add" or "replace" or "test" && !operation.TryGetProperty("value", out _))
        {
            return $"'{name}' needs a 'value'.";
        }

        return name is "move" or "copy" && !IsPointer(operation, "from") ? $"'{name}' needs a 'from' JSON Pointer." : null;
    }

    private static bool IsPointer(JsonElement operation, string member) =>
        operation.TryGetProperty(member, out var pointer) && pointer.ValueKind == JsonValueKind.String &&
        (pointer.GetString() is "" || pointer.GetString()!.StartsWith('/'));
}
