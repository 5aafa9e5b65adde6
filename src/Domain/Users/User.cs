using System.Globalization;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users.Events;

namespace CleanUser.Domain.Users;

/// <summary>
/// A community member's profile: the aggregate every profile change goes through. It keeps its own
/// invariants (valid values, no change to a blocked or deleted account, no event when nothing changed)
/// and records the domain events that are delivered after the change commits. Every change method records the
/// fields it really changed; together they make one <see cref="UserUpdated"/> per change set (until the events are
/// cleared, which the save that writes them does), however many methods ran.
/// </summary>
public sealed class User : IHasDomainEvents
{
    public static readonly TextRule RealNameRule = new("real_name", 255, multiline: false);
    public static readonly TextRule BioRule = new("bio", 5000, multiline: true);
    public static readonly TextRule LocationRule = new("location", 100, multiline: false);
    public static readonly TextRule DescriptionRule = new("description", 50, multiline: false);

    private readonly List<IDomainEvent> _domainEvents = [];
    private readonly List<FieldChange> _changes = [];
    private readonly List<Tag> _tags = [];

    private User()
    {
        Username = null!;
    }

    public long Id { get; private set; }

    public Username Username { get; private set; }

    /// <summary>When the user last renamed (a change of case alone does not count); <c>null</c> when never.</summary>
    public DateTimeOffset? UsernameChangedAt { get; private set; }

    /// <summary>
    /// Whether this user's name may look like another user's: names kept by the migration that introduced the rule,
    /// and names chosen while look-alikes were allowed (docs/adr/0017-username-policy.md). Every other name's look is
    /// its own, and the database holds it to that.
    /// </summary>
    public bool UsernameMayLookAlike { get; private set; }

    public string RealName { get; private set; } = string.Empty;

    public string? Avatar { get; private set; }

    public string? ExtId { get; private set; }

    public UserStatistics Statistics { get; private set; } = UserStatistics.None;

    public DateTimeOffset DateJoined { get; private set; }

    public string Bio { get; private set; } = string.Empty;

    public string Location { get; private set; } = string.Empty;

    public GeoPoint? LocationLatLng { get; private set; }

    public GeoPoint? PositionLatLng { get; private set; }

    public DateOnly? DateOfBirth { get; private set; }

    public string Description { get; private set; } = string.Empty;

    public Gender Gender { get; private set; }

    public string Website { get; private set; } = string.Empty;

    public string? Cover { get; private set; }

    public IReadOnlyCollection<Tag> Tags => _tags.AsReadOnly();

    public bool CommunityBadge { get; private set; }

    public bool RegApproved { get; private set; }

    public bool IsBlocked { get; private set; }

    public bool IsDeleted { get; private set; }

    public string CompanyName { get; private set; } = string.Empty;

    public string CompanyRole { get; private set; } = string.Empty;

    /// <summary>Optimistic-concurrency token; the persistence layer moves it on every write.</summary>
    public long Version { get; private set; }

    public IReadOnlyList<IDomainEvent> DomainEvents => _domainEvents.AsReadOnly();

    public static User Register(Username username, DateTimeOffset dateJoined, string? extId = null) =>
        new()
        {
            Username = username,
            DateJoined = dateJoined,
            ExtId = extId,
            RegApproved = true,
        };

    /// <summary>
    /// Renames the user under <paramref name="policy"/>; a different spelling of the same name (<c>alice</c> →
    /// <c>Alice</c>) is stored too, but is no rename (no cooldown, nothing given up). Whether the name is free was asked
    /// before (one query per request); the unique indexes are the last guard against a race, and the cooldown is checked
    /// again here against the user as loaded in the change's transaction. Returns the name given up, to be held for
    /// this user, when the policy holds released names; <c>null</c> otherwise.
    /// </summary>
    public ReleasedUsername? ChangeUsername(Username username, DateTimeOffset now, UsernamePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(policy);
        EnsureEditable();
        var renames = !username.Equals(Username);
        if (renames && policy.CheckCooldown(UsernameChangedAt, now) is { } tooSoon)
        {
            throw new InvalidValueException(UserFields.Username, tooSoon);
        }

        if (username.Skeleton != Username.Skeleton)
        {
            UsernameMayLookAlike = !policy.RefuseLookAlikes;
        }

        var released = renames && policy.ReleasedUsernameHold > TimeSpan.Zero
            ? new ReleasedUsername(Username, Id, now + policy.ReleasedUsernameHold)
            : null;
        if (renames)
        {
            UsernameChangedAt = now;
        }

        Username = Changed(UserFields.Username, Username, username, u => u.Value, now);
        return released;
    }

    /// <summary>Sets the profile fields present in <paramref name="changes"/>; their values are valid by construction.</summary>
    public void UpdateProfile(ProfileChanges changes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        EnsureEditable();
        // Check every text before changing anything, so a misplaced one leaves the profile untouched.
        var realName = changes.RealName.Map(t => Checked(t, RealNameRule.Field));
        var bio = changes.Bio.Map(t => Checked(t, BioRule.Field));
        var location = changes.Location.Map(t => Checked(t, LocationRule.Field));
        var description = changes.Description.Map(t => Checked(t, DescriptionRule.Field));
        var website = changes.Website.Map(t => Checked(t, UserFields.Website));

        if (realName.HasValue) RealName = Changed(RealNameRule.Field, RealName, realName.Value, Text, now);
        if (bio.HasValue) Bio = Changed(BioRule.Field, Bio, bio.Value, Text, now);
        if (location.HasValue) Location = Changed(LocationRule.Field, Location, location.Value, Text, now);
        if (changes.LocationLatLng.HasValue) LocationLatLng = Changed(UserFields.LocationLatLng, LocationLatLng, changes.LocationLatLng.Value, Text, now);
        if (changes.PositionLatLng.HasValue) PositionLatLng = Changed(UserFields.PositionLatLng, PositionLatLng, changes.PositionLatLng.Value, Text, now);
        if (changes.DateOfBirth.HasValue) DateOfBirth = Changed(UserFields.DateOfBirth, DateOfBirth, changes.DateOfBirth.Value, Text, now);
        if (description.HasValue) Description = Changed(DescriptionRule.Field, Description, description.Value, Text, now);
        if (changes.Gender.HasValue) Gender = Changed(UserFields.Gender, Gender, changes.Gender.Value, g => g.ToString(), now);
        if (website.HasValue) Website = Changed(UserFields.Website, Website, website.Value, Text, now);
    }

    // The text of a value as GET shows it (docs/api.md#fields).
    private static string Text(string value) => value;

    private static string? Text(GeoPoint? point) => point?.ToString();

    private static string? Text(DateOnly? date) => date?.ToString(BirthDate.Format, CultureInfo.InvariantCulture);

    /// <summary>Text made by another field's rule (say, a bio for the 50-character description) is a bug, not input.</summary>
    private static string Checked(ProfileText text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Field == field ? text.Value : throw new ArgumentException($"Text checked for '{text.Field}' cannot be stored in '{field}'.", nameof(text));
    }

    /// <summary>Replaces or (with <c>null</c>) removes the avatar; raises <see cref="UserAvatarChanged"/> only on a real change.</summary>
    public void ChangeAvatar(string? avatar, DateTimeOffset now) =>
        Avatar = ChangeImage(UserFields.Avatar, Avatar, avatar, now, () => new UserAvatarChanged(Id, Avatar, avatar, now));

    /// <summary>Replaces or (with <c>null</c>) removes the cover; raises <see cref="UserCoverChanged"/> only on a real change.</summary>
    public void ChangeCover(string? cover, DateTimeOffset now) =>
        Cover = ChangeImage(UserFields.Cover, Cover, cover, now, () => new UserCoverChanged(Id, Cover, cover, now));

    /// <summary>The image key after the change, recording <paramref name="changed"/> only when it differs from the current one.</summary>
    private string? ChangeImage(string field, string? current, string? next, DateTimeOffset now, Func<IDomainEvent> changed)
    {
        EnsureEditable();
        if (next != current)
        {
            _domainEvents.Add(changed());
        }

        return Changed(field, current, next, key => key, now);
    }

    /// <summary>
    /// <paramref name="next"/>, after recording it in this change set's <see cref="UserUpdated"/> when its text differs
    /// from <paramref name="current"/>'s. A field changed again keeps its first old value; changed back, it drops out,
    /// and a change set with no field left raises nothing. A user not stored yet has no id to name in an event: what
    /// it is given before its first save is its registration, not a change of its profile.
    /// </summary>
    private T Changed<T>(string field, T current, T next, Func<T, string?> text, DateTimeOffset now)
    {
        var (old, @new) = (text(current), text(next));
        if (Id == 0 || old == @new)
        {
            return next;
        }

        var earlier = _changes.FindIndex(c => c.Field == field);
        if (earlier < 0)
        {
            _changes.Add(new FieldChange(field, old, @new));
        }
        else if (_changes[earlier].Old == @new)
        {
            _changes.RemoveAt(earlier);
        }
        else
        {
            _changes[earlier] = _changes[earlier] with { New = @new };
        }

        // One event per change set: the one recorded so far is replaced where it stands.
        var recorded = _domainEvents.FindIndex(e => e is UserUpdated);
        if (recorded >= 0)
        {
            _domainEvents.RemoveAt(recorded);
        }

        if (_changes.Count > 0)
        {
            _domainEvents.Insert(recorded >= 0 ? recorded : _domainEvents.Count, new UserUpdated(Id, [.. _changes], now));
        }

        return next;
    }

    public void ClearDomainEvents()
    {
        _domainEvents.Clear();
        _changes.Clear();
    }

    // Moderation and community bookkeeping; owned by other modules, used here by the demo seed.
    public void Block() => IsBlocked = true;

    public void MarkDeleted() => IsDeleted = true;

    public void AwardCommunityBadge() => CommunityBadge = true;

    public void AssignTag(Tag tag)
    {
        if (!_tags.Contains(tag))
        {
            _tags.Add(tag);
        }
    }

    public void JoinCompany(string name, string role)
    {
        CompanyName = name;
        CompanyRole = role;
    }

    public void RecordStatistics(UserStatistics statistics) => Statistics = statistics;

    private void EnsureEditable()
    {
        if (IsDeleted)
        {
            throw new AccountNotEditableException(new RuleViolation(RuleCodes.AccountDeleted, "This account has been deleted."));
        }

        if (IsBlocked)
        {
            throw new AccountNotEditableException(new RuleViolation(RuleCodes.AccountBlocked, "This account is blocked and cannot be edited."));
        }
    }
}

/// <summary>
/// The profile fields one update sets; absent fields stay as they are. Every value is already valid (a
/// <see cref="ProfileText"/> comes only from its field's rule); <c>null</c> means "none".
/// </summary>
public sealed record ProfileChanges
{
    public Optional<ProfileText> RealName { get; init; }

    public Optional<ProfileText> Bio { get; init; }

    public Optional<ProfileText> Location { get; init; }

    public Optional<GeoPoint?> LocationLatLng { get; init; }

    public Optional<GeoPoint?> PositionLatLng { get; init; }

    public Optional<DateOnly?> DateOfBirth { get; init; }

    public Optional<ProfileText> Description { get; init; }

    public Optional<Gender> Gender { get; init; }

    public Optional<ProfileText> Website { get; init; }
}
