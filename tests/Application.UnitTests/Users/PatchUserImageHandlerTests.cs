using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users.EventHandlers;
using CleanUser.Domain.Users.Events;
using FluentValidation;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using static CleanUser.Application.UnitTests.Support.TestDoubles;

namespace CleanUser.Application.UnitTests.Users;

/// <summary>
/// The image path of a profile change with its ports substituted: no disk, no SkiaSharp, no database. What matters
/// is the order of effects — every image processed in the validation step, before the transaction; then, in the
/// handler, stored under a name of its own with an undo registered, then set on the aggregate.
/// </summary>
public class PatchUserImageHandlerTests : PatchUserTestBase
{
    private const string OldKey = "avatars/2222222222222222222222222222222222222222222222222222222222222222.jpg";
    private readonly List<Func<CancellationToken, Task>> _undos = [];

    public PatchUserImageHandlerTests() =>
        UnitOfWork.When(u => u.OnRollback(Arg.Any<Func<CancellationToken, Task>>()))
            .Do(call => _undos.Add(call.Arg<Func<CancellationToken, Task>>()));

    [Fact]
    public async Task A_new_avatar_is_processed_before_the_handler_then_stored_under_a_new_name_with_an_undo()
    {
        var upload = ImageUpload.FromBytes([1, 2, 3]);

        await Send(Command([("avatar", upload)]));

        var key = Alice.Avatar!;
        Assert.Matches($"^avatars/{Processed.Sha256}-[0-9a-f]{{32}}\\.jpg$", key);
        var changed = Assert.IsType<UserAvatarChanged>(Assert.Single(Alice.DomainEvents));
        Assert.Equal((null, key), (changed.OldAvatar, changed.NewAvatar));
        Received.InOrder(() =>
        {
            Images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Avatar, Arg.Any<CancellationToken>());
            Users.GetByIdAsync(AliceId, Arg.Any<CancellationToken>());
            Storage.SaveAsync(key, Processed, Arg.Any<CancellationToken>());
            UnitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>());
        });

        // If the transaction does not commit, the undo removes the file this request stored.
        await Assert.Single(_undos)(CancellationToken.None);
        await Storage.Received(1).DeleteAsync(key, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_same_picture_on_another_profile_gets_a_name_of_its_own()
    {
        await Send(Command([("avatar", ImageUpload.FromBytes([1]))]));
        var first = Alice;
        Alice = FilledInAlice(); // the next request finds another profile

        await Send(Command([("avatar", ImageUpload.FromBytes([1]))]));

        Assert.NotEqual(first.Avatar, Alice.Avatar);
        Assert.True(MediaKeys.HasContentOf(first.Avatar, Processed) && MediaKeys.HasContentOf(Alice.Avatar, Processed));
    }

    [Theory]
    [InlineData("")] // a name of the older shape, shared by content
    [InlineData("-0123456789abcdef0123456789abcdef")]
    public async Task The_picture_the_profile_already_shows_changes_nothing_and_stores_nothing(string suffix)
    {
        var current = $"avatars/{Processed.Sha256}{suffix}.jpg";
        Alice.ChangeAvatar(current, Now);
        Alice.ClearDomainEvents();

        await Send(Command([("avatar", ImageUpload.FromBytes([4]))]));

        Assert.Equal(current, Alice.Avatar);
        Assert.Empty(Alice.DomainEvents);
        Assert.Empty(Storage.ReceivedCalls());
    }

    [Fact]
    public async Task Both_new_images_are_processed_before_either_is_stored()
    {
        var cover = new ProcessedImage([0x89, 0x50], "image/png", "png", 1600, 400);
        Images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Cover, Arg.Any<CancellationToken>()).Returns(ImageProcessingResult.Success(cover));

        await Send(Command([("avatar", ImageUpload.FromBytes([1]))], ("cover_base64", "image/png;base64,AAEC")));

        Assert.StartsWith($"covers/{cover.Sha256}-", Alice.Cover, StringComparison.Ordinal);
        Assert.Equal(2, _undos.Count);
        Received.InOrder(() =>
        {
            Images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Avatar, Arg.Any<CancellationToken>());
            Images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Cover, Arg.Any<CancellationToken>());
            Storage.SaveAsync(Alice.Avatar!, Processed, Arg.Any<CancellationToken>());
            Storage.SaveAsync(Alice.Cover!, cover, Arg.Any<CancellationToken>());
            UnitOfWork.SaveChangesAsync(Arg.Any<CancellationToken>());
        });
    }

    [Fact]
    public async Task A_corrupt_image_found_while_decoding_is_reported_alone_before_anything_is_loaded()
    {
        Images.ProcessAsync(Arg.Any<ImageUpload>(), Arg.Any<ImageKind>(), Arg.Any<CancellationToken>())
            .Returns(ImageProcessingResult.Refused(ImageRules.NotAnImage("truncated")));

        var refused = await Assert.ThrowsAsync<ValidationException>(() => Send(
            Command([("avatar", ImageUpload.FromBytes([1]))], ("bio", "new bio"))));

        var failure = Assert.Single(refused.Errors);
        Assert.Equal(("avatar", "invalid_image"), (failure.PropertyName, failure.ErrorCode));
        await Users.DidNotReceiveWithAnyArgs().GetByIdAsync(default, default);
        Assert.Empty(Storage.ReceivedCalls());
        AssertNothingSaved();
    }

    [Fact]
    public async Task A_request_with_any_other_violation_decodes_nothing()
    {
        var refused = await Assert.ThrowsAsync<ValidationException>(() => Send(
            Command([("avatar", ImageUpload.FromBytes([1]))], ("website", "not a url"))));

        Assert.Equal([("website", "invalid")], refused.Errors.Select(e => (e.PropertyName, e.ErrorCode)));
        await Images.DidNotReceiveWithAnyArgs().ProcessAsync(default!, default, default);
    }

    [Fact]
    public async Task A_full_processing_queue_reaches_the_client_and_nothing_is_loaded_or_stored()
    {
        Images.ProcessAsync(Arg.Any<ImageUpload>(), Arg.Any<ImageKind>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ServiceUnavailableException("queue full"));

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => Send(Command([("cover", ImageUpload.FromBytes([1]))])));

        await Users.DidNotReceiveWithAnyArgs().GetByIdAsync(default, default);
        Assert.Empty(Storage.ReceivedCalls());
    }

    [Fact]
    public async Task The_handler_refuses_an_upload_that_was_not_prepared()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Handler().Handle(Command([("avatar", ImageUpload.FromBytes([1]))]), CancellationToken.None));

        Assert.Empty(Storage.ReceivedCalls());
        await Images.DidNotReceiveWithAnyArgs().ProcessAsync(default!, default, default);
    }

    [Fact]
    public async Task Avatar_base64_is_decoded_and_the_bytes_are_what_gets_processed()
    {
        byte[]? seen = null;
        Images.ProcessAsync(Arg.Any<ImageUpload>(), ImageKind.Avatar, Arg.Any<CancellationToken>()).Returns(async call =>
        {
            seen = await call.Arg<ImageUpload>().ReadAllBytesAsync(CancellationToken.None);
            return ImageProcessingResult.Success(Processed);
        });

        await Send(Command(("avatar_base64", "image/png;base64,AAECAw==")));

        Assert.Equal([0, 1, 2, 3], seen);
        Assert.True(MediaKeys.HasContentOf(Alice.Avatar, Processed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Null_or_empty_base64_removes_the_avatar_without_touching_storage(string? base64)
    {
        Alice.ChangeAvatar(OldKey, Now.AddHours(-1));
        Alice.ClearDomainEvents();

        await Send(Command(("avatar_base64", base64)));

        Assert.Null(Alice.Avatar);
        var removed = Assert.IsType<UserAvatarChanged>(Assert.Single(Alice.DomainEvents));
        Assert.Equal((OldKey, null), (removed.OldAvatar, removed.NewAvatar));
        Assert.Empty(Storage.ReceivedCalls()); // the old file goes after commit, through the event
        await Images.DidNotReceiveWithAnyArgs().ProcessAsync(default!, default, default);
    }

    [Fact]
    public async Task The_current_url_sent_back_beside_a_new_image_does_not_stop_the_change()
    {
        Alice.ChangeAvatar(OldKey, Now.AddHours(-1));

        await Send(Command([("avatar", ImageUpload.FromBytes([5]))], ("avatar", "https://cdn.test/media/" + OldKey)));

        Assert.True(MediaKeys.HasContentOf(Alice.Avatar, Processed));
    }
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
