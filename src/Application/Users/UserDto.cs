using System.Text.Json.Serialization;
using AutoMapper;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users;

/// <summary>
/// The user as clients see it (docs/api.md#response). Property order is the wire order; names become snake_case
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

/// <summary>A tag on a user (docs/api.md#response).</summary>
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

/// <summary>
/// Aggregate → wire shape. Only flat, server-owned types are mapped (see docs/adr/0002): AutoMapper 14
/// has a known stack overflow on self-referential graphs, and nothing here is one.
/// </summary>
public sealed class UserMappingProfile : Profile
{
    public UserMappingProfile()
    {
        CreateMap<User, UserDto>()
            .ForMember(d => d.Username, o => o.MapFrom(s => s.Username.Value))
            .ForMember(d => d.Avatar, o => o.ConvertUsing<MediaUrlConverter, string?>(s => s.Avatar))
            .ForMember(d => d.Cover, o => o.ConvertUsing<MediaUrlConverter, string?>(s => s.Cover))
            .ForMember(d => d.FollowingsCounter, o => o.MapFrom(s => s.Statistics.FollowingsCounter))
            .ForMember(d => d.FollowersCounter, o => o.MapFrom(s => s.Statistics.FollowersCounter))
            .ForMember(d => d.PostsCounter, o => o.MapFrom(s => s.Statistics.PostsCounter))
            .ForMember(d => d.DiscussionsCounter, o => o.MapFrom(s => s.Statistics.DiscussionsCounter))
            .ForMember(d => d.PollsCounter, o => o.MapFrom(s => s.Statistics.PollsCounter))
            .ForMember(d => d.CategoriesCounter, o => o.MapFrom(s => s.Statistics.CategoriesCounter))
            .ForMember(d => d.Reputation, o => o.MapFrom(s => s.Statistics.Reputation))
            // There is no connections module: a profile has no connection to report (docs/api.md#response: null for yourself).
            .ForMember(d => d.ConnectionStatus, o => o.MapFrom(_ => (string?)null))
            .ForMember(d => d.DateJoined, o => o.MapFrom(s => s.DateJoined.UtcDateTime))
            .ForMember(d => d.LocationLatLng, o => o.MapFrom(s => s.LocationLatLng == null ? null : s.LocationLatLng.ToString()))
            .ForMember(d => d.PositionLatLng, o => o.MapFrom(s => s.PositionLatLng == null ? null : s.PositionLatLng.ToString()))
            .ForMember(d => d.Gender, o => o.MapFrom(s => s.Gender.ToString()))
            .ForMember(d => d.Tags, o => o.MapFrom(s => s.Tags.OrderBy(t => t.Id)))
            .ForMember(d => d.Deleted, o => o.MapFrom(s => s.IsDeleted));

        CreateMap<Tag, TagDto>()
            .ForMember(d => d.CreatedAt, o => o.MapFrom(s => s.CreatedAt.UtcDateTime));
    }
}

/// <summary>Stored image key → absolute URL, through the <see cref="IMediaUrls"/> port.</summary>
public sealed class MediaUrlConverter(IMediaUrls mediaUrls) : IValueConverter<string?, string?>
{
    public string? Convert(string? sourceMember, ResolutionContext context) => mediaUrls.ToPublicUrl(sourceMember);
}
