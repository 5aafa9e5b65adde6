using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using Full = CleanUser.Tests.Support.UserBuilder.Full;

namespace CleanUser.Domain.UnitTests.Users;

/// <summary>
/// One <see cref="UserUpdated"/> per change set of a stored user (docs/api.md#events): every field whose value really
/// changed, old and new as GET shows them, however many change methods ran; nothing for a change that changes nothing.
/// </summary>
public class UserUpdatedTests
{
    private const long AliceId = 42;

    private static readonly DateTimeOffset Later = TestUsers.Now.AddMinutes(5);

    /// <summary>The user as loaded from the database: it has its id (the database gives it) and no pending events.</summary>
    private static User Stored(User user)
    {
        typeof(User).GetProperty(nameof(User.Id))!.SetValue(user, AliceId);
        return user;
    }

    private static UserUpdated Updated(User user) => Assert.Single(user.DomainEvents.OfType<UserUpdated>());

    [Fact]
    public void Several_change_methods_in_one_change_set_raise_one_event_naming_every_field()
    {
        var user = Stored(TestUsers.Alice());

        user.ChangeUsername(Username.Create("alice2"), TestUsers.Now, UsernamePolicy.Default);
        user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("Maps and bikes") }, TestUsers.Now);
        user.ChangeAvatar("avatars/new.jpg", Later);

        var updated = Updated(user);
        Assert.Equal(AliceId, updated.UserId);
        Assert.Equal(Later, updated.OccurredAt);
        Assert.Equal(
            [new FieldChange("username", "alice", "alice2"), new FieldChange("bio", "", "Maps and bikes"), new FieldChange("avatar", null, "avatars/new.jpg")],
            updated.Changes);
        // The image event the file clean-up handles is still raised beside it.
        Assert.Equal(2, user.DomainEvents.Count);
        Assert.Single(user.DomainEvents.OfType<UserAvatarChanged>());
    }

    [Fact]
    public void Setting_every_field_from_the_defaults_names_each_with_its_text()
    {
        var user = Stored(TestUsers.Alice());

        user.UpdateProfile(Full.Profile, TestUsers.Now);
        user.ChangeAvatar(Full.Avatar, TestUsers.Now);
        user.ChangeCover(Full.Cover, TestUsers.Now);

        Assert.Equal(
        [
            new FieldChange("real_name", "", Full.RealName),
            new FieldChange("bio", "", Full.Bio),
            new FieldChange("location", "", Full.Location),
            new FieldChange("location_lat_lng", null, Full.LocationLatLng),
            new FieldChange("position_lat_lng", null, Full.PositionLatLng),
            new FieldChange("date_of_birth", null, "1990-05-17"),
            new FieldChange("description", "", Full.Description),
            new FieldChange("gender", "Unspecified", "Female"),
            new FieldChange("website", "", Full.Website),
            new FieldChange("avatar", null, Full.Avatar),
            new FieldChange("cover", null, Full.Cover),
        ], Updated(user).Changes);
    }

    [Fact]
    public void Resetting_every_field_names_each_with_its_old_text_and_the_default()
    {
        var user = Stored(TestUsers.FilledInAlice());

        user.UpdateProfile(TestProfiles.Reset, TestUsers.Now);
        user.ChangeAvatar(null, TestUsers.Now);
        user.ChangeCover(null, TestUsers.Now);

        Assert.Equal(
        [
            new FieldChange("real_name", Full.RealName, ""),
            new FieldChange("bio", Full.Bio, ""),
            new FieldChange("location", Full.Location, ""),
            new FieldChange("location_lat_lng", Full.LocationLatLng, null),
            new FieldChange("position_lat_lng", Full.PositionLatLng, null),
            new FieldChange("date_of_birth", "1990-05-17", null),
            new FieldChange("description", Full.Description, ""),
            new FieldChange("gender", "Female", "Unspecified"),
            new FieldChange("website", Full.Website, ""),
            new FieldChange("avatar", Full.Avatar, null),
            new FieldChange("cover", Full.Cover, null),
        ], Updated(user).Changes);
    }

    [Fact]
    public void Sending_every_value_again_raises_nothing()
    {
        var user = Stored(TestUsers.FilledInAlice());

        user.ChangeUsername(Username.Create("alice"), TestUsers.Now, UsernamePolicy.Default);
        user.UpdateProfile(Full.Profile, TestUsers.Now);
        user.ChangeAvatar(Full.Avatar, TestUsers.Now);
        user.ChangeCover(Full.Cover, TestUsers.Now);

        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void The_same_point_written_differently_is_no_change()
    {
        var user = Stored(TestUsers.FilledInAlice());

        user.UpdateProfile(new ProfileChanges { LocationLatLng = GeoPoint.Parse(" 45.46420 , 9.190 ", "location_lat_lng") }, TestUsers.Now);

        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void A_new_spelling_of_the_same_username_is_a_change()
    {
        var user = Stored(TestUsers.Alice());

        user.ChangeUsername(Username.Create("Alice"), TestUsers.Now, UsernamePolicy.Default);

        Assert.Equal([new FieldChange("username", "alice", "Alice")], Updated(user).Changes);
    }

    [Fact]
    public void A_field_changed_twice_keeps_its_first_old_value_and_its_last_new_one()
    {
        var user = Stored(TestUsers.Alice());

        user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("First") }, TestUsers.Now);
        user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("Second") }, Later);

        var updated = Updated(user);
        Assert.Equal([new FieldChange("bio", "", "Second")], updated.Changes);
        Assert.Equal(Later, updated.OccurredAt);
    }

    [Fact]
    public void A_field_changed_back_drops_out_and_a_change_set_with_nothing_left_raises_nothing()
    {
        var user = Stored(TestUsers.Alice());

        user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("Moved"), Location = User.LocationRule.Create("Rome") }, TestUsers.Now);
        user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("") }, TestUsers.Now);

        Assert.Equal([new FieldChange("location", "", "Rome")], Updated(user).Changes);

        user.UpdateProfile(new ProfileChanges { Location = User.LocationRule.Create(null) }, TestUsers.Now);

        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void After_the_events_are_cleared_the_next_change_set_starts_from_the_values_then()
    {
        var user = Stored(TestUsers.Alice());
        user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("First") }, TestUsers.Now);
        user.ClearDomainEvents();

        user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("Second") }, Later);

        Assert.Equal([new FieldChange("bio", "First", "Second")], Updated(user).Changes);
    }

    [Fact]
    public void A_refused_change_records_nothing()
    {
        var user = Stored(TestUsers.Alice());
        user.Block();

        Assert.Throws<AccountNotEditableException>(() => user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("x") }, TestUsers.Now));
        Assert.Throws<AccountNotEditableException>(() => user.ChangeAvatar("avatars/a.jpg", TestUsers.Now));

        Assert.Empty(user.DomainEvents);
    }
}
