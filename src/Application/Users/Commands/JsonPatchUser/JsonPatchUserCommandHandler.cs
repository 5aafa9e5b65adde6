using System.Globalization;
using AutoMapper;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Users.Commands.PatchUser;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson.Exceptions;

namespace CleanUser.Application.Users.Commands.JsonPatchUser;

public sealed class JsonPatchUserCommandHandler(
    UserProfileEditor editor,
    IEnumerable<IValidator<PatchUserCommand>> validators,
    IUnitOfWork unitOfWork,
    IMapper mapper) : IRequestHandler<JsonPatchUserCommand, UserDto>
{
    public async Task<UserDto> Handle(JsonPatchUserCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await editor.LoadAsync(request.UserId, request.ExpectedVersions, cancellationToken).ConfigureAwait(false);
        var before = PatchableProfile.From(mapper.Map<UserDto>(user));
        var after = Apply(request.Document, before);

        // From here on it is an ordinary partial update, checked by the same validator and aggregate.
        var command = after.ChangesSince(before, request.UserId);
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            failures.AddRange((await validator.ValidateAsync(command, cancellationToken).ConfigureAwait(false)).Errors);
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        await editor.ApplyAsync(user, command, cancellationToken).ConfigureAwait(false);
        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return mapper.Map<UserDto>(user);
    }

    /// <summary>All operations or none: any refused operation refuses the document.</summary>
    private static PatchableProfile Apply(JsonPatchDocument<PatchableProfile> document, PatchableProfile before)
    {
        var after = before.Copy();
        var errors = new List<JsonPatchError>();
        try
        {
            document.ApplyTo(after, errors.Add);
        }
        catch (JsonPatchException exception)
        {
            throw new InvalidPatchException([exception.Message]);
        }

        var invalid = errors.Where(e => !IsTest(e)).ToList();
        if (invalid.Count > 0)
        {
            throw new InvalidPatchException(invalid.Select(e => Describe(document, e)).ToList());
        }

        var failedTests = errors.Where(IsTest).ToList();
        if (failedTests.Count > 0)
        {
            throw new ConflictException("test_failed", string.Join(" ", failedTests.Select(e => Describe(document, e))));
        }

        return after;
    }

    private static bool IsTest(JsonPatchError error) =>
        string.Equals(error.Operation?.op, "test", StringComparison.OrdinalIgnoreCase);

    private static string Describe(JsonPatchDocument<PatchableProfile> document, JsonPatchError error)
    {
        var index = error.Operation is null ? -1 : document.Operations.FindIndex(o => ReferenceEquals(o, error.Operation));
        return string.Create(CultureInfo.InvariantCulture,
            $"Operation {index} ({error.Operation?.op} {error.Operation?.path}): {error.ErrorMessage}");
    }
}
