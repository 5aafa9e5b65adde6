using CleanUser.Domain.Common;
using CleanUser.Domain.Users.Events;

namespace CleanUser.Domain.Users;

/// <summary>
/// A community member's profile: the aggregate every profile change goes through. It keeps its own
/// invariants (valid values, no change to a blocked or deleted account, no event when nothing changed)
/// and records the domain events that are delivered after the change commits.
/// </summary>
public sealed class User : IHasDomainEvents
{
    public static readonly TextRule RealNameRule = new(255, multiline: false);
    public static readonly TextRule BioRule = new(5000, multiline: true);
    public static readonly TextRule LocationRule = new(100, multiline: false);
    public static readonly TextRule DescriptionRule = new(50, multiline: false);

    private readonly List<IDomainEvent> _domainEvents = [];
    private readonly List<Tag> _tags = [];

    private User()
    {
        Username = null!;
    }

    public long Id { get; private set; }

    public Username Username { get; private set; }

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
    /// Renames the user. A different spelling of the same name (<c>alice</c> → <c>Alice</c>) is always
    /// allowed; any other name must not belong to someone else.
    /// </summary>
    public async Task ChangeUsernameAsync(Username username, IUsernameUniquenessChecker uniqueness,
        CancellationToken cancellationToken)
    {
        EnsureEditable();
        if (username.Value == Username.Value)
        {
            return;
        }

        if (!username.Equals(Username) &&
            await uniqueness.IsTakenByAnotherUserAsync(username, Id, cancellationToken).ConfigureAwait(false))
        {
            throw new UsernameAlreadyTakenException();
        }

        Username = username;
    }

    /// <summary>Sets the profile fields present in <paramref name="changes"/>; <c>null</c> resets a field to its default.</summary>
    public void UpdateProfile(ProfileChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        EnsureEditable();

        // Check every value before changing anything, so a bad value leaves the profile untouched.
        var realName = changes.RealName.Map(v => RealNameRule.Normalize(v, UserFields.RealName));
        var bio = changes.Bio.Map(v => BioRule.Normalize(v, UserFields.Bio));
        var location = changes.Location.Map(v => LocationRule.Normalize(v, UserFields.Location));
        var description = changes.Description.Map(v => DescriptionRule.Normalize(v, UserFields.Description));
        var website = changes.Website.Map(Users.Website.Normalize);

        if (realName.HasValue) RealName = realName.Value;
        if (bio.HasValue) Bio = bio.Value;
        if (location.HasValue) Location = location.Value;
        if (description.HasValue) Description = description.Value;
        if (website.HasValue) Website = website.Value;
        if (changes.LocationLatLng.HasValue) LocationLatLng = changes.LocationLatLng.Value;
        if (changes.PositionLatLng.HasValue) PositionLatLng = changes.PositionLatLng.Value;
        if (changes.DateOfBirth.HasValue) DateOfBirth = changes.DateOfBirth.Value;
        if (changes.Gender.HasValue) Gender = changes.Gender.Value;
    }

    /// <summary>Replaces or (with <c>null</c>) removes the avatar; raises <see cref="UserAvatarChanged"/> only on a real change.</summary>
    public void ChangeAvatar(string? avatar, DateTimeOffset now)
    {
        EnsureEditable();
        if (avatar == Avatar)
        {
            return;
        }

        _domainEvents.Add(new UserAvatarChanged(Id, Avatar, avatar, now));
        Avatar = avatar;
    }

    /// <summary>Replaces or (with <c>null</c>) removes the cover; raises <see cref="UserCoverChanged"/> only on a real change.</summary>
    public void ChangeCover(string? cover, DateTimeOffset now)
    {
        EnsureEditable();
        if (cover == Cover)
        {
            return;
        }

        _domainEvents.Add(new UserCoverChanged(Id, Cover, cover, now));
        Cover = cover;
    }

    public void ClearDomainEvents() => _domainEvents.Clear();

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
