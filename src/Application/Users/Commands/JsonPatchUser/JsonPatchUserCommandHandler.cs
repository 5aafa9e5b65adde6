using System.Text.Json;
using AutoMapper;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Users.Commands.PatchUser;
using MediatR;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
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

    /// <summary>
    /// All operations or none: any refused operation refuses the document; a failed <c>test</c> is a conflict. Each
    /// operation is applied once, in order, and its failure recorded with its index as it happens: linear in the
    /// length of the document, with a report of bounded size (<see cref="PatchProblems"/>).
    /// </summary>
    private static void Apply(JsonPatchDocument document, Dictionary<string, string?> profile)
    {
        var invalid = new PatchProblems();
        var failedTests = new PatchProblems();
        for (var index = 0; index < document.Operations.Count; index++)
        {
            var operation = document.Operations[index];
            string? failure = null;
            new JsonPatchDocument([operation], document.SerializerOptions).ApplyTo(profile, e => failure = e.ErrorMessage);
            if (failure is not null)
            {
                (IsTest(operation) ? failedTests : invalid).Add(index, operation.op, operation.path, failure);
            }
        }

        if (invalid.Count > 0)
        {
            throw new InvalidPatchException(invalid.Reported);
        }

        if (failedTests.Count > 0)
        {
            throw new ConflictException("test_failed", string.Join(" ", failedTests.Reported));
        }
    }

    private static bool IsTest(Operation operation) =>
        string.Equals(operation.op, "test", StringComparison.OrdinalIgnoreCase);
}
