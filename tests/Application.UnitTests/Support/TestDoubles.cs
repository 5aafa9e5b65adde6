using AutoMapper;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Users;
using CleanUser.Domain.Users;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Support;

/// <summary>Users, times and port substitutes shared by the application tests.</summary>
internal static class TestDoubles
{
    public const long AliceId = 7;

    public const string MediaBase = "https://cdn.example/media/";

    public static readonly DateTimeOffset Joined = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static readonly DateTimeOffset Now = new(2025, 6, 7, 8, 9, 10, TimeSpan.Zero);

    public static DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);

    public static User Alice() => User.Register(Username.FromStored("alice"), Joined);

    /// <summary>Key → <c>https://cdn.example/media/{key}</c>; no key → <c>null</c>.</summary>
    public static IMediaUrls MediaUrls()
    {
        var mediaUrls = Substitute.For<IMediaUrls>();
        mediaUrls.ToPublicUrl(Arg.Any<string?>()).Returns(call => call.Arg<string?>() is { } key ? MediaBase + key : null);
        return mediaUrls;
    }

    public static IClock Clock()
    {
        var clock = Substitute.For<IClock>();
        clock.UtcNow.Returns(Now);
        return clock;
    }

    /// <summary>A unit of work that runs the operation it is given, as the real one does inside its transaction.</summary>
    public static IUnitOfWork UnitOfWork()
    {
        var unitOfWork = Substitute.For<IUnitOfWork>();
        unitOfWork.ExecuteInTransactionAsync(Arg.Any<Func<CancellationToken, Task<UserDto>>>(), Arg.Any<CancellationToken>())
            .Returns(call => call.Arg<Func<CancellationToken, Task<UserDto>>>()(call.Arg<CancellationToken>()));
        return unitOfWork;
    }

    /// <summary>The real mapping profile; its <see cref="MediaUrlConverter"/> gets <paramref name="mediaUrls"/>.</summary>
    public static IMapper Mapper(IMediaUrls mediaUrls) =>
        new MapperConfiguration(cfg => cfg.AddProfile<UserMappingProfile>())
            .CreateMapper(type => type == typeof(MediaUrlConverter)
                ? new MediaUrlConverter(mediaUrls)
                : Activator.CreateInstance(type)!);
}
