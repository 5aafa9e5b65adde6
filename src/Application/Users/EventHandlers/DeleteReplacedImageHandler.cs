using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Common.Messaging;
using CleanUser.Domain.Users.Events;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanUser.Application.Users.EventHandlers;

/// <summary>
/// docs/api.md#images: the image a change replaced is removed from storage only after the change has committed — this
/// runs from the outbox, after commit, at least once. Deleting an image that is already gone is fine.
/// </summary>
public sealed partial class DeleteReplacedImageHandler(
    IMediaStorage storage,
    IUserRepository users,
    ILogger<DeleteReplacedImageHandler> logger)
    : INotificationHandler<DomainEventNotification<UserAvatarChanged>>,
      INotificationHandler<DomainEventNotification<UserCoverChanged>>
{
    public Task Handle(DomainEventNotification<UserAvatarChanged> notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return DeleteIfUnusedAsync(notification.DomainEvent.OldAvatar, notification.DomainEvent.NewAvatar, cancellationToken);
    }

    public Task Handle(DomainEventNotification<UserCoverChanged> notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return DeleteIfUnusedAsync(notification.DomainEvent.OldCover, notification.DomainEvent.NewCover, cancellationToken);
    }

    private async Task DeleteIfUnusedAsync(string? replaced, string? current, CancellationToken cancellationToken)
    {
        // Only names this service made are ever deleted; anything else is not ours to remove.
        if (replaced is null || replaced == current || !MediaKeys.IsWellFormed(replaced))
        {
            return;
        }

        // A replaced name is never taken up again (every upload gets a new one), so once no profile uses it none ever
        // will, and this check cannot go stale before the delete. It matters for names of the older, content-only
        // shape, which several profiles may share (docs/adr/0012-image-processing-and-files.md): those stay while in
        // use.
        if (await users.IsMediaInUseAsync(replaced, cancellationToken).ConfigureAwait(false))
        {
            LogKept(logger, replaced);
            return;
        }

        await storage.DeleteAsync(replaced, cancellationToken).ConfigureAwait(false);
        LogDeleted(logger, replaced);
    }

    [LoggerMessage(LogLevel.Information, "Deleted replaced image {Key}")]
    private static partial void LogDeleted(ILogger logger, string key);

    [LoggerMessage(LogLevel.Debug, "Kept replaced image {Key}: another profile uses it")]
    private static partial void LogKept(ILogger logger, string key);
}
