using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users.Events;

/// <summary>The avatar changed, removal included (docs/api.md#events). Images are storage keys; <c>null</c> is none.</summary>
public sealed record UserAvatarChanged(long UserId, string? OldAvatar, string? NewAvatar, DateTimeOffset OccurredAt)
    : IDomainEvent;

/// <summary>The cover changed, removal included (docs/api.md#events). Images are storage keys; <c>null</c> is none.</summary>
public sealed record UserCoverChanged(long UserId, string? OldCover, string? NewCover, DateTimeOffset OccurredAt)
    : IDomainEvent;
