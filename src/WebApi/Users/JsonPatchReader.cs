using System.Globalization;
using System.Text.Json;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Users.Commands.JsonPatchUser;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.WebApi.Infrastructure;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace CleanUser.WebApi.Users;

/// <summary>
/// Parses an RFC 6902 document (docs/json-patch.md). The patch library is lenient where the RFC is not (a
/// <c>replace</c> without <c>value</c> would quietly write null), so the shape of every operation is checked first:
/// a malformed document is a <c>parse_error</c>; a well-formed one whose path is not a writable field, or whose value
/// is not a string or null, is <c>invalid</c> naming the operation. A document longer than the configured
/// <see cref="JsonPatchOptions.MaxOperations"/> is refused first, before any of that (docs/json-patch.md#limits).
/// </summary>
public static class JsonPatchReader
{
    private static readonly HashSet<string> Operations = new(StringComparer.Ordinal) { "add", "remove", "replace", "move", "copy", "test" };

    public static JsonPatchDocument Read(byte[] body, int maxOperations)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            using (var document = JsonDocument.Parse(body))
            {
                CheckLength(document.RootElement, maxOperations);
                BodyText.EnsureReadable(document.RootElement);
                CheckShape(document.RootElement);
                CheckTargets(document.RootElement);
            }

            return JsonSerializer.Deserialize<JsonPatchDocument>(body, WireJson.Options)
                   ?? throw RequestRejectedException.ParseError("A JSON Patch document is an array of operations.");
        }
        catch (JsonException exception)
        {
            throw RequestRejectedException.ParseError($"JSON Patch parse error - {exception.Message}");
        }
    }

    /// <summary>An array of at most <paramref name="maxOperations"/> operations; counting them costs nothing once parsed.</summary>
    private static void CheckLength(JsonElement root, int maxOperations)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw RequestRejectedException.ParseError("A JSON Patch document is an array of operations.");
        }

        var length = root.GetArrayLength();
        if (length > maxOperations)
        {
            throw new InvalidPatchException([string.Create(CultureInfo.InvariantCulture,
                $"A JSON Patch document may have at most {maxOperations} operations; this one has {length}.")]);
        }
    }

    private static void CheckShape(JsonElement root)
    {
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

    /// <summary>Pointers are case-sensitive (RFC 6901): <c>/Bio</c>, <c>/bio/0</c> and the root are not fields.</summary>
    private static void CheckTargets(JsonElement root)
    {
        var problems = new PatchProblems();
        var index = 0;
        foreach (var operation in root.EnumerateArray())
        {
            var op = operation.GetProperty("op").GetString();
            var path = operation.GetProperty("path").GetString();
            var problem = !IsField(path) ? $"'{path}' is not a writable field."
                : operation.TryGetProperty("from", out var from) && op is "move" or "copy" && !IsField(from.GetString()) ? $"'{from.GetString()}' is not a writable field."
                : operation.TryGetProperty("value", out var value) && op is "add" or "replace" or "test" && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null) ? "the value must be a string or null."
                : null;
            if (problem is not null)
            {
                problems.Add(index, op, path, problem);
            }

            index++;
        }

        if (problems.Count > 0)
        {
            throw new InvalidPatchException(problems.Reported);
        }
    }

    private static bool IsField(string? pointer) =>
        pointer is ['/', .. var name] && ProfileFields.Find(name) is not null;

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
