using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;

namespace CleanUser.Domain.UnitTests.Users;

public class UserImageTests
{
    private static readonly DateTimeOffset Later = TestUsers.Now.AddMinutes(5);

    [Fact]
    public void Setting_a_first_avatar_raises_one_avatar_changed_event()
    {
        var user = TestUsers.Alice();

        user.ChangeAvatar("avatars/new.jpg", TestUsers.Now);

        Assert.Equal("avatars/new.jpg", user.Avatar);
        var raised = Assert.IsType<UserAvatarChanged>(Assert.Single(user.DomainEvents));
        Assert.Equal(new UserAvatarChanged(user.Id, null, "avatars/new.jpg", TestUsers.Now), raised);
    }

    [Fact]
    public void Replacing_the_avatar_raises_an_event_with_the_old_and_new_keys()
    {
        var user = TestUsers.Alice();
        user.ChangeAvatar("avatars/old.jpg", TestUsers.Now);
        user.ClearDomainEvents();

        user.ChangeAvatar("avatars/new.png", Later);

        var raised = Assert.IsType<UserAvatarChanged>(Assert.Single(user.DomainEvents));
        Assert.Equal(user.Id, raised.UserId);
        Assert.Equal("avatars/old.jpg", raised.OldAvatar);
        Assert.Equal("avatars/new.png", raised.NewAvatar);
        Assert.Equal(Later, raised.OccurredAt);
    }

    [Fact]
    public void Removing_the_avatar_raises_an_event()
    {
        var user = TestUsers.Alice();
        user.ChangeAvatar("avatars/old.jpg", TestUsers.Now);
        user.ClearDomainEvents();

        user.ChangeAvatar(null, Later);

        Assert.Null(user.Avatar);
        Assert.Equal(new UserAvatarChanged(user.Id, "avatars/old.jpg", null, Later), Assert.Single(user.DomainEvents));
    }

    [Fact]
    public void Setting_the_same_avatar_again_raises_nothing()
    {
        var user = TestUsers.Alice();
        user.ChangeAvatar("avatars/same.jpg", TestUsers.Now);
        user.ClearDomainEvents();

        user.ChangeAvatar("avatars/same.jpg", Later);

        Assert.Equal("avatars/same.jpg", user.Avatar);
        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Removing_an_avatar_that_is_not_there_raises_nothing()
    {
        var user = TestUsers.Alice();

        user.ChangeAvatar(null, TestUsers.Now);

        Assert.Null(user.Avatar);
        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Setting_a_first_cover_raises_one_cover_changed_event()
    {
        var user = TestUsers.Alice();

        user.ChangeCover("covers/new.jpg", TestUsers.Now);

        Assert.Equal("covers/new.jpg", user.Cover);
        Assert.Equal(new UserCoverChanged(user.Id, null, "covers/new.jpg", TestUsers.Now), Assert.Single(user.DomainEvents));
    }

    [Fact]
    public void Replacing_the_cover_raises_an_event_with_the_old_and_new_keys()
    {
        var user = TestUsers.Alice();
        user.ChangeCover("covers/old.jpg", TestUsers.Now);
        user.ClearDomainEvents();

        user.ChangeCover("covers/new.png", Later);

        var raised = Assert.IsType<UserCoverChanged>(Assert.Single(user.DomainEvents));
        Assert.Equal(user.Id, raised.UserId);
        Assert.Equal("covers/old.jpg", raised.OldCover);
        Assert.Equal("covers/new.png", raised.NewCover);
        Assert.Equal(Later, raised.OccurredAt);
    }

    [Fact]
    public void Removing_the_cover_raises_an_event()
    {
        var user = TestUsers.Alice();
        user.ChangeCover("covers/old.jpg", TestUsers.Now);
        user.ClearDomainEvents();

        user.ChangeCover(null, Later);

        Assert.Null(user.Cover);
        Assert.Equal(new UserCoverChanged(user.Id, "covers/old.jpg", null, Later), Assert.Single(user.DomainEvents));
    }

    [Fact]
    public void Setting_the_same_cover_again_raises_nothing()
    {
        var user = TestUsers.Alice();
        user.ChangeCover("covers/same.jpg", TestUsers.Now);
        user.ClearDomainEvents();

        user.ChangeCover("covers/same.jpg", Later);

        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Removing_a_cover_that_is_not_there_raises_nothing()
    {
        var user = TestUsers.Alice();

        user.ChangeCover(null, TestUsers.Now);

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

        var events = Assert.IsAssignableFrom<ICollection<CleanUser.Domain.Common.IDomainEvent>>(user.DomainEvents);

        Assert.True(events.IsReadOnly);
    }
}
