using System.Text.Json.Serialization;

namespace CleanUser.Application.Users;

/// <summary>
/// The user as clients see it (SPEC §6). Property order is the wire order; names become snake_case
/// on the wire.
/// </summary>
public sealed record UserDto
{
    public long Id { get; init; }

    public string Username { get; init; } = string.Empty;

    public string RealName { get; init; } = string.Empty;

    public string? Avatar { get; init; }

    public string? ExtId { get; init; }

    public int FollowingsCounter { get; init; }

    public int FollowersCounter { get; init; }

    public int PostsCounter { get; init; }

    public int DiscussionsCounter { get; init; }

    public int PollsCounter { get; init; }

    public string? ConnectionStatus { get; init; }

    public int CategoriesCounter { get; init; }

    public DateTime DateJoined { get; init; }

    public string Bio { get; init; } = string.Empty;

    public string Location { get; init; } = string.Empty;

    public string? LocationLatLng { get; init; }

    public string? PositionLatLng { get; init; }

    public DateOnly? DateOfBirth { get; init; }

    public string Description { get; init; } = string.Empty;

    public string Gender { get; init; } = string.Empty;

    public string Website { get; init; } = string.Empty;

    public string? Cover { get; init; }

    public IReadOnlyList<TagDto> Tags { get; init; } = [];

    public int Reputation { get; init; }

    public bool CommunityBadge { get; init; }

    public bool RegApproved { get; init; }

    public bool Deleted { get; init; }

    public string CompanyName { get; init; } = string.Empty;

    public string CompanyRole { get; init; } = string.Empty;

    /// <summary>The concurrency token the entity tag is made from; not part of the body.</summary>
    [JsonIgnore]
    public long Version { get; init; }
}

/// <summary>A tag on a user (SPEC §6).</summary>
public sealed record TagDto
{
    public long Id { get; init; }

    public bool Active { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Type { get; init; } = string.Empty;

    public string Description { get; init; } = string.Empty;

    public string Color { get; init; } = string.Empty;

    public bool Visible { get; init; }

    public bool VisibilityBoost { get; init; }

    public DateTime CreatedAt { get; init; }

    public bool Deleted { get; init; }
}
