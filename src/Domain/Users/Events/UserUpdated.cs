using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users.Events;

/// <summary>
/// A stored profile changed (docs/api.md#events): one per saved change set of a user, naming every field whose value
/// differs from before the change, in the order the fields were first changed. Raised for images too, alongside
/// <see cref="UserAvatarChanged"/> / <see cref="UserCoverChanged"/>; never for a change that leaves every value as it was.
/// </summary>
public sealed record UserUpdated(long UserId, IReadOnlyList<FieldChange> Changes, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>
/// One field of a <see cref="UserUpdated"/>: its wire name (<see cref="UserFields"/>, the free-text fields' rules on
/// <see cref="User"/>), and its value before and after as text the way GET shows it — <c>""</c> for empty text,
/// <c>null</c> for none. Images are their storage keys, not URLs: where a change is shown, the key becomes the URL of
/// that moment (docs/adr/0019-audit-trail.md).
/// </summary>
public sealed record FieldChange(string Field, string? Old, string? New);
