using AutoMapper;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;
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

    /// <summary>Alice's stored avatar and cover when her profile is full (<see cref="UserBuilder.Full"/>).</summary>
    public const string AvatarKey = UserBuilder.Full.Avatar;

    public const string CoverKey = UserBuilder.Full.Cover;

    /// <summary>Alice, just registered.</summary>
    public static User Alice() => AliceBuilder().Build();

    /// <summary>Alice with every field the builder's full profile sets (<see cref="UserBuilder.Full"/>), and no pending events.</summary>
    public static User FilledInAlice() => AliceBuilder().WithFullProfile().Build();

    private static UserBuilder AliceBuilder() => new UserBuilder().Named("alice").JoinedAt(Joined);

    /// <summary>A PATCH of Alice's profile with these text fields, parsed as the endpoint parses a body.</summary>
    public static PatchUserCommand Command(params (string Field, string? Value)[] values) =>
        new(AliceId, ProfilePatch.Of(values));

    /// <summary>A PATCH of Alice's profile with these text fields and these files (multipart).</summary>
    public static PatchUserCommand Command((string Field, ImageUpload Upload)[] files, params (string Field, string? Value)[] values) =>
        new(AliceId, ProfilePatch.Parse(
            values.Select(v => KeyValuePair.Create(v.Field, v.Value)),
            files.Select(f => KeyValuePair.Create(f.Field, f.Upload))));

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
        unitOfWork.ExecuteCommandAsync(Arg.Any<Func<CancellationToken, Task<UserDto>>>(), Arg.Any<CancellationToken>())
            .Returns(call => call.Arg<Func<CancellationToken, Task<UserDto>>>()(call.Arg<CancellationToken>()));
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
