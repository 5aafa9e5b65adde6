using System.Globalization;
using System.Text.Json;
using AutoMapper;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Users.Commands.PatchUser;
using MediatR;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson.Exceptions;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson.Operations;

namespace CleanUser.Application.Users.Commands.JsonPatchUser;

public sealed class JsonPatchUserCommandHandler(IUserRepository users, IMapper mapper, IMediator mediator)
    : IRequestHandler<JsonPatchUserCommand, UserDto>
{
    /// <summary>The profile as the patch sees it: the writable fields by wire name (the names <see cref="UserDto"/> has on the wire).</summary>
    private static readonly JsonSerializerOptions WireNames = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<UserDto> Handle(JsonPatchUserCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await PatchUserCommandHandler.LoadForChangeAsync(users, request.UserId, request.ExpectedVersions, cancellationToken)
            .ConfigureAwait(false);
        return await mediator.Send(new PatchUserCommand(request.UserId, PatchOf(mapper.Map<UserDto>(user), request.Document)), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>What <paramref name="document"/> changes in the profile <paramref name="user"/>, as a PATCH of those fields.</summary>
    internal static ProfilePatch PatchOf(UserDto user, JsonPatchDocument document)
    {
        var read = JsonSerializer.SerializeToElement(user, WireNames);
        var before = ProfileFields.All.ToDictionary(f => f.Name,
            f => read.TryGetProperty(f.Name, out var value) ? value.GetString() : null, StringComparer.Ordinal);
        var after = new Dictionary<string, string?>(before, StringComparer.Ordinal);
        Apply(document, after);

        // A field the patch removed is reset, as null resets it in any other body.
        var changed = ProfileFields.All
            .Where(f => after.GetValueOrDefault(f.Name) != before[f.Name])
            .Select(f => KeyValuePair.Create(f.Name, after.GetValueOrDefault(f.Name)));
        return ProfilePatch.Parse(changed);
    }

    /// <summary>All operations or none: any refused operation refuses the document; a failed <c>test</c> is a conflict.</summary>
    private static void Apply(JsonPatchDocument document, Dictionary<string, string?> profile)
    {
        var errors = new List<JsonPatchError>();
        try
        {
            document.ApplyTo(profile, errors.Add);
        }
        catch (JsonPatchException exception)
        {
            throw new InvalidPatchException([exception.Message]);
        }

        if (errors.Count == 0)
        {
            return;
        }

        var index = new Dictionary<Operation, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < document.Operations.Count; i++)
        {
            index[document.Operations[i]] = i;
        }

        string Describe(JsonPatchError e) => string.Create(CultureInfo.InvariantCulture,
            $"Operation {(e.Operation is null ? -1 : index[e.Operation])} ({e.Operation?.op} {e.Operation?.path}): {e.ErrorMessage}");

        var invalid = errors.Where(e => !IsTest(e)).Select(Describe).ToList();
        if (invalid.Count > 0)
        {
            throw new InvalidPatchException(invalid);
        }

        throw new ConflictException("test_failed", string.Join(" ", errors.Select(Describe)));
    }

    private static bool IsTest(JsonPatchError error) =>
        string.Equals(error.Operation?.op, "test", StringComparison.OrdinalIgnoreCase);
}
