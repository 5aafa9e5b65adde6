using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;

namespace CleanUser.Domain.UnitTests.Users;

public class UserImageTests
{
    private static readonly DateTimeOffset Later = TestUsers.Now.AddMinutes(5);

    /// <summary>The two images, which follow the same rules: the storage key of a new image is <c>{image}s/…</c>.</summary>
    public static TheoryData<string> Images => new() { "avatar", "cover" };

    private static void Change(User user, string image, string? key, DateTimeOffset now)
    {
        if (image == "avatar")
        {
            user.ChangeAvatar(key, now);
        }
        else
        {
            user.ChangeCover(key, now);
        }
    }

    private static string? Current(User user, string image) => image == "avatar" ? user.Avatar : user.Cover;

    private static IDomainEvent Changed(User user, string image, string? oldKey, string? newKey, DateTimeOffset at) =>
        image == "avatar"
            ? new UserAvatarChanged(user.Id, oldKey, newKey, at)
            : new UserCoverChanged(user.Id, oldKey, newKey, at);

    /// <summary>Alice with this image set to <c>{image}s/old.jpg</c> and no pending events.</summary>
    private static User WithOld(string image)
    {
        var user = TestUsers.Alice();
        Change(user, image, $"{image}s/old.jpg", TestUsers.Now);
        user.ClearDomainEvents();
        return user;
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Setting_a_first_image_raises_one_changed_event(string image)
    {
        var user = TestUsers.Alice();

        Change(user, image, $"{image}s/new.jpg", TestUsers.Now);

        Assert.Equal($"{image}s/new.jpg", Current(user, image));
        Assert.Equal(Changed(user, image, null, $"{image}s/new.jpg", TestUsers.Now), Assert.Single(user.DomainEvents));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Replacing_an_image_raises_an_event_with_the_old_and_new_keys(string image)
    {
        var user = WithOld(image);

        Change(user, image, $"{image}s/new.png", Later);

        Assert.Equal($"{image}s/new.png", Current(user, image));
        Assert.Equal(Changed(user, image, $"{image}s/old.jpg", $"{image}s/new.png", Later), Assert.Single(user.DomainEvents));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Removing_an_image_raises_an_event(string image)
    {
        var user = WithOld(image);

        Change(user, image, null, Later);

        Assert.Null(Current(user, image));
        Assert.Equal(Changed(user, image, $"{image}s/old.jpg", null, Later), Assert.Single(user.DomainEvents));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Setting_the_same_image_again_raises_nothing(string image)
    {
        var user = WithOld(image);

        Change(user, image, $"{image}s/old.jpg", Later);

        Assert.Equal($"{image}s/old.jpg", Current(user, image));
        Assert.Empty(user.DomainEvents);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Removing_an_image_that_is_not_there_raises_nothing(string image)
    {
        var user = TestUsers.Alice();

        Change(user, image, null, TestUsers.Now);

        Assert.Null(Current(user, image));
        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Avatar_and_cover_changes_are_recorded_in_order()
    {
        var user = TestUsers.Alice();

        user.ChangeAvatar("avatars/a.jpg", TestUsers.Now);
        user.ChangeCover("covers/c.jpg", TestUsers.Now);
        user.ChangeAvatar("avatars/b.jpg", Later);

        Assert.Collection(user.DomainEvents,
            e => Assert.Equal(new UserAvatarChanged(user.Id, null, "avatars/a.jpg", TestUsers.Now), e),
            e => Assert.Equal(new UserCoverChanged(user.Id, null, "covers/c.jpg", TestUsers.Now), e),
            e => Assert.Equal(new UserAvatarChanged(user.Id, "avatars/a.jpg", "avatars/b.jpg", Later), e));
    }

    [Fact]
    public void Clearing_domain_events_empties_the_list_and_keeps_the_images()
    {
        var user = TestUsers.Alice();
        user.ChangeAvatar("avatars/a.jpg", TestUsers.Now);
        user.ChangeCover("covers/c.jpg", TestUsers.Now);

        user.ClearDomainEvents();

        Assert.Empty(user.DomainEvents);
        Assert.Equal("avatars/a.jpg", user.Avatar);
        Assert.Equal("covers/c.jpg", user.Cover);
    }

    [Fact]
    public void Domain_events_cannot_be_changed_from_outside()
    {
        var user = TestUsers.Alice();
        user.ChangeAvatar("avatars/a.jpg", TestUsers.Now);

        var events = Assert.IsAssignableFrom<ICollection<IDomainEvent>>(user.DomainEvents);

        Assert.True(events.IsReadOnly);
    }
}
