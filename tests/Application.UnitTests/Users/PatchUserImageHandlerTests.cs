using AutoMapper;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Application.Users.EventHandlers;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using CleanUser.Tests.Support;
using FluentValidation;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Users;

/// <summary>
/// The image path of <see cref="PatchUserCommandHandler"/> with its ports substituted: no disk, no SkiaSharp,
/// no database. What matters is the order of effects — process everything, then store, then change the
/// aggregate — and that a stored file has an undo registered with the unit of work.
/// </summary>
public class PatchUserImageHandlerTests
{
    private const string NewKey = "avatars/1111111111111111111111111111111111111111111111111111111111111111.jpg";
    private const string OldKey = "avatars/2222222222222222222222222222222222222222222222222222222222222222.jpg";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IImageProcessor _images = Substitute.For<IImageProcessor>();
    private readonly IMediaStorage _storage = Substitute.For<IMediaStorage>();
    private readonly List<Func<CancellationToken, Task>> _undos = [];
    private readonly User _user = new UserBuilder().Named("alice").JoinedAt(Now.AddDays(-1)).Build();
    private readonly PatchUserCommandHandler _handler;

    public PatchUserImageHandlerTests()
    {
        _users.GetByIdAsync(7, Arg.Any<CancellationToken>()).Returns(_user);
        _unitOfWork.When(u => u.OnRollback(Arg.Any<Func<CancellationToken, Task>>()))
            .Do(call => _undos.Add(call.Arg<Func<CancellationToken, Task>>()));
        var clock = Substitute.For<IClock>();
        clock.UtcNow.Returns(Now);
        _handler = new PatchUserCommandHandler(_users, _unitOfWork, _images, _storage, clock, UsernamePolicy.Default, new CurrentCaller(),
            Substitute.For<IMapper>());
    }

    private static PatchUserCommand Upload(string field, ImageUpload upload, params (string Field, string? Value)[] values) =>
        new(7, ProfilePatch.Parse(values.Select(v => KeyValuePair.Create(v.Field, v.Value)), [KeyValuePair.Create(field, upload)]));

    private static PatchUserCommand Text(params (string Field, string? Value)[] values) => new(7, ProfilePatch.Of(values));

    [Fact]
    public async Task A_new_avatar_is_processed_stored_set_and_saved_with_an_undo_for_its_file()
    {
        var upload = ImageUpload.FromBytes([1, 2, 3]);
        var processed = Processed();
        _images.ProcessAsync(upload, ImageKind.Avatar, Arg.Any<CancellationToken>()).Returns(ImageProcessingResult.Success(processed));
        _storage.SaveAsync("avatars", processed, Arg.Any<CancellationToken>()).Returns(new StoredMedia(NewKey, Created: true));

        await _handler.Handle(Upload("avatar", upload), CancellationToken.None);

        Assert.Equal(NewKey, _user.Avatar);
        var changed = Assert.IsType<UserAvatarChanged>(Assert.Single(_user.DomainEvents));
        Assert.Equal((null, NewKey), (changed.OldAvatar, changed.NewAvatar));
        Received.InOrder(() =>
        {
            _images.ProcessAsync(upload, ImageKind.Avatar, Arg.Any<CancellationToken>());
            _storage.SaveAsync("avatars", processed, Arg.Any<CancellationToken>());
            _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>());
        });
        await _images.DidNotReceiveWithAnyArgs().InspectAsync(default!, default, default); // the validator's check, already made

        // If the transaction does not commit, the undo removes the file this request stored.
        await Assert.Single(_undos)(CancellationToken.None);
        await _storage.Received(1).DeleteAsync(NewKey, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Both_new_images_are_decoded_before_either_is_stored()
    {
        var avatar = Processed();
        var cover = new ProcessedImage([0x89, 0x50], "image/png", "png", 1600, 400);
        _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Avatar, Arg.Any<CancellationToken>()).Returns(ImageProcessingResult.Success(avatar));
        _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Cover, Arg.Any<CancellationToken>()).Returns(ImageProcessingResult.Success(cover));
        _storage.SaveAsync("avatars", avatar, Arg.Any<CancellationToken>()).Returns(new StoredMedia(NewKey, Created: true));
        _storage.SaveAsync("covers", cover, Arg.Any<CancellationToken>()).Returns(new StoredMedia("covers/new.png", Created: true));

        await _handler.Handle(Upload("avatar", ImageUpload.FromBytes([1]), ("cover_base64", "image/png;base64,AAEC")), CancellationToken.None);

        Assert.Equal((NewKey, "covers/new.png"), (_user.Avatar, _user.Cover));
        Assert.Equal(2, _undos.Count);
        Received.InOrder(() =>
        {
            _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Avatar, Arg.Any<CancellationToken>());
            _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Cover, Arg.Any<CancellationToken>());
            _storage.SaveAsync("avatars", avatar, Arg.Any<CancellationToken>());
            _storage.SaveAsync("covers", cover, Arg.Any<CancellationToken>());
            _unitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>());
        });
    }

    [Fact]
    public async Task A_picture_that_was_already_stored_gets_no_undo()
    {
        var processed = Processed();
        _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Cover, Arg.Any<CancellationToken>()).Returns(ImageProcessingResult.Success(processed));
        _storage.SaveAsync("covers", processed, Arg.Any<CancellationToken>()).Returns(new StoredMedia("covers/x.jpg", Created: false));

        await _handler.Handle(Upload("cover", ImageUpload.FromBytes([9])), CancellationToken.None);

        Assert.Equal("covers/x.jpg", _user.Cover);
        Assert.Empty(_undos);
    }

    [Fact]
    public async Task A_refused_image_stores_nothing_saves_nothing_and_names_the_field_and_code()
    {
        _images.ProcessAsync(Arg.Any<ImageUpload>(), Arg.Any<ImageKind>(), Arg.Any<CancellationToken>())
            .Returns(ImageProcessingResult.Refused(ImageRules.NotAnImage("truncated")));

        var refused = await Assert.ThrowsAsync<ValidationException>(() => _handler.Handle(
            Upload("avatar", ImageUpload.FromBytes([1]), ("bio", "new bio")), CancellationToken.None));

        var failure = Assert.Single(refused.Errors);
        Assert.Equal(("avatar", "invalid_image"), (failure.PropertyName, failure.ErrorCode));
        await _storage.DidNotReceiveWithAnyArgs().SaveAsync(default!, default!, default);
        await _unitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);
    }

    [Fact]
    public async Task When_one_of_two_images_is_refused_neither_is_stored()
    {
        _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Avatar, Arg.Any<CancellationToken>())
            .Returns(ImageProcessingResult.Success(Processed()));
        _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Cover, Arg.Any<CancellationToken>())
            .Returns(ImageProcessingResult.Refused(ImageRules.TooManyPixels(20_000, 20_000)));

        var refused = await Assert.ThrowsAsync<ValidationException>(() => _handler.Handle(
            Upload("avatar", ImageUpload.FromBytes([1]), ("cover_base64", "data:image/png;base64,AAEC")), CancellationToken.None));

        Assert.Equal([("cover_base64", "image_too_large")], refused.Errors.Select(e => (e.PropertyName, e.ErrorCode)));
        await _storage.DidNotReceiveWithAnyArgs().SaveAsync(default!, default!, default);
        Assert.Null(_user.Avatar);
    }

    [Fact]
    public async Task Avatar_base64_is_decoded_and_the_bytes_are_what_gets_processed()
    {
        byte[]? seen = null;
        _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Avatar, Arg.Any<CancellationToken>()).Returns(async call =>
        {
            seen = await call.Arg<ImageUpload>().ReadAllBytesAsync(CancellationToken.None);
            return ImageProcessingResult.Success(Processed());
        });
        _storage.SaveAsync(Arg.Any<string>(), Arg.Any<ProcessedImage>(), Arg.Any<CancellationToken>()).Returns(new StoredMedia(NewKey, true));

        await _handler.Handle(Text(("avatar_base64", "image/png;base64,AAECAw==")), CancellationToken.None);

        Assert.Equal([0, 1, 2, 3], seen);
        Assert.Equal(NewKey, _user.Avatar);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Null_or_empty_base64_removes_the_avatar_without_touching_storage(string? base64)
    {
        _user.ChangeAvatar(OldKey, Now.AddHours(-1));
        _user.ClearDomainEvents();

        await _handler.Handle(Text(("avatar_base64", base64)), CancellationToken.None);

        Assert.Null(_user.Avatar);
        var removed = Assert.IsType<UserAvatarChanged>(Assert.Single(_user.DomainEvents));
        Assert.Equal((OldKey, null), (removed.OldAvatar, removed.NewAvatar));
        Assert.Empty(_storage.ReceivedCalls()); // the old file goes after commit, through the event
        await _images.DidNotReceiveWithAnyArgs().ProcessAsync(default!, default, default);
    }

    [Fact]
    public async Task The_current_url_sent_back_beside_a_new_image_does_not_stop_the_change()
    {
        _user.ChangeAvatar(OldKey, Now.AddHours(-1));
        _images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Avatar, Arg.Any<CancellationToken>()).Returns(ImageProcessingResult.Success(Processed()));
        _storage.SaveAsync(Arg.Any<string>(), Arg.Any<ProcessedImage>(), Arg.Any<CancellationToken>()).Returns(new StoredMedia(NewKey, true));

        await _handler.Handle(
            Upload("avatar", ImageUpload.FromBytes([5]), ("avatar", "https://cdn.test/media/" + OldKey)), CancellationToken.None);

        Assert.Equal(NewKey, _user.Avatar);
    }

    private static ProcessedImage Processed() => new([0xFF, 0xD8, 0xFF], "image/jpeg", "jpg", 512, 512);
}

/// <summary>The after-commit half: the replaced image is deleted, unless someone still shows it.</summary>
public class DeleteReplacedImageHandlerTests
{
    private const string OldKey = "covers/3333333333333333333333333333333333333333333333333333333333333333.png";
    private readonly IMediaStorage _storage = Substitute.For<IMediaStorage>();
    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly DeleteReplacedImageHandler _handler;

    public DeleteReplacedImageHandlerTests() =>
        _handler = new DeleteReplacedImageHandler(_storage, _users, NullLogger<DeleteReplacedImageHandler>.Instance);

    [Fact]
    public async Task The_replaced_image_is_deleted_when_no_profile_uses_it()
    {
        await _handler.Handle(Changed(OldKey, null), CancellationToken.None);

        await _storage.Received(1).DeleteAsync(OldKey, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_image_another_profile_still_uses_is_kept()
    {
        _users.IsMediaInUseAsync(OldKey, Arg.Any<CancellationToken>()).Returns(true);

        await _handler.Handle(Changed(OldKey, "covers/new.png"), CancellationToken.None);

        await _storage.DidNotReceiveWithAnyArgs().DeleteAsync(default!, default);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("../../etc/passwd")]
    [InlineData("https://elsewhere.example/cover.png")]
    public async Task Nothing_that_is_not_a_stored_image_name_is_ever_deleted(string? replaced)
    {
        await _handler.Handle(Changed(replaced, null), CancellationToken.None);

        await _storage.DidNotReceiveWithAnyArgs().DeleteAsync(default!, default);
    }

    private static DomainEventNotification<UserCoverChanged> Changed(string? oldCover, string? newCover) =>
        new(new UserCoverChanged(7, oldCover, newCover, DateTimeOffset.UnixEpoch));
}
