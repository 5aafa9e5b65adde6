using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Users.Commands.PatchUser;
using FluentValidation;

namespace CleanUser.Application.Users.Commands.JsonPatchUser;

/// <summary>
/// The validation step of a JSON Patch, which checks nothing itself: the document is applied in the command's unit of
/// work, and the PATCH it becomes reports every error there, in the usual order. What happens here is what must not
/// happen in the unit of work — decoding the images the document uploads (docs/images.md#when). The document is applied
/// to the profile as stored now, and the images that gives are prepared; the PATCH finds them prepared. Only a
/// document with an operation on <c>/avatar_base64</c> or <c>/cover_base64</c> costs a read.
/// </summary>
public sealed class JsonPatchUserCommandValidator : AbstractValidator<JsonPatchUserCommand>
{
    public JsonPatchUserCommandValidator(IUserReader users, PreparedImages prepared)
    {
        RuleFor(c => c).CustomAsync(async (command, _, cancellationToken) =>
        {
            if (!command.Document.Operations.Any(o => ProfileFields.Find(o.path?.TrimStart('/') ?? string.Empty) is { IsBase64: true }) ||
                await users.ReadAsync(command.UserId, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                return;
            }

            ProfilePatch patch;
            try
            {
                patch = JsonPatchUserCommandHandler.PatchOf(stored, command.Document);
            }
            catch (Exception exception) when (exception is InvalidPatchException or ConflictException)
            {
                return; // applied again in the unit of work, where this is reported
            }

            foreach (var edit in new[] { patch.Avatar, patch.Cover })
            {
                if (edit?.Upload is { } upload)
                {
                    await prepared.PrepareAsync(upload, edit.Kind, cancellationToken).ConfigureAwait(false);
                }
            }
        });
    }
}
