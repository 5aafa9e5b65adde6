using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CleanUser.FunctionalTests.Users.UsernamePolicyTests;

namespace CleanUser.FunctionalTests.Users;

/// <summary>
/// The parts of the username policy that take days (docs/api.md#username-policy): the hold on a name given up, and the
/// cooldown between renames. Each test runs an app of its own on a clock it moves (the app's <see cref="TimeProvider"/>),
/// starting on a whole second; tokens are made after each move, on the app's clock.
/// </summary>
public sealed class UsernamePolicyTimeTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private readonly FakeTimeProvider _clock = new(Start);
    private TestApp? _app;

    public void Dispose() => _app?.Dispose();

    private TestApp App(params (string Key, string Value)[] settings) => _app = TestApp.With(new TestAppOptions
    {
        // The dispatcher waits on the app's clock, which only the test moves.
        Outbox = false,
        Settings = settings.ToDictionary(s => s.Key, s => s.Value),
        Services = services => services.AddSingleton<TimeProvider>(_clock),
    });

    private static async Task<HttpResponseMessage> RenameAsync(TestApp app, long id, string username)
    {
        using var client = app.ClientFor(id);
        return await client.PatchJsonAsync(id, new { username });
    }

    [Fact]
    public async Task Once_the_hold_has_expired_another_user_may_take_the_name()
    {
        var app = App();
        var suffix = Suffix();
        var alice = await app.CreateUserAsync(new UserBuilder().Named("alice" + suffix));
        var bob = await app.CreateUserAsync();
        using (var renamed = await RenameAsync(app, alice, "alice2" + suffix))
        {
            await renamed.ReadUserAsync();
        }

        _clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        using (var held = await RenameAsync(app, bob, "alice" + suffix))
        {
            await AssertUsernameRefusedAsync(held, "unique", Taken);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        using var free = await RenameAsync(app, bob, "alice" + suffix);

        await free.ReadUserAsync();
        Assert.Equal("alice" + suffix, (await app.ReadUserAsync(bob)).Username);
    }

    [Fact]
    public async Task With_a_cooldown_the_next_rename_is_refused_until_the_date_the_message_gives()
    {
        var app = App(("Users:UsernameChangeCooldownDays", "7"));
        var id = await app.CreateUserAsync();
        using (var first = await RenameAsync(app, id, "first" + Suffix()))
        {
            await first.ReadUserAsync();
        }

        var before = await app.ReadUserAsync(id);
        Assert.Equal(Start, before.UsernameChangedAt);
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        using (var tooSoon = await RenameAsync(app, id, "second" + Suffix()))
        {
            var allowed = Start.AddDays(7).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            await AssertUsernameRefusedAsync(tooSoon, "username_change_too_soon",
                $"You can change your username again from {allowed} (one change every 7 days).");
        }

        // A change of case is no rename.
        using (var recased = await RenameAsync(app, id, before.Username.ToUpperInvariant()))
        {
            await recased.ReadUserAsync();
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        var third = "third" + Suffix();
        using var allowedNow = await RenameAsync(app, id, third);

        await allowedNow.ReadUserAsync();
        Assert.Equal((third, _clock.GetUtcNow()), ((await app.ReadUserAsync(id)).Username, (await app.ReadUserAsync(id)).UsernameChangedAt));
    }

    [Fact]
    public async Task The_system_principal_is_not_held_to_the_cooldown()
    {
        var app = App(("Users:UsernameChangeCooldownDays", "7"));
        var id = await app.CreateUserAsync();
        using (var first = await RenameAsync(app, id, "first" + Suffix()))
        {
            await first.ReadUserAsync();
        }

        var second = "second" + Suffix();
        await app.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("username", second))), Caller.System);

        Assert.Equal(second, (await app.ReadUserAsync(id)).Username);
        using var byTheUser = await RenameAsync(app, id, "third" + Suffix());
        await AssertUsernameRefusedAsync(byTheUser, "username_change_too_soon",
            $"You can change your username again from {Start.AddDays(7).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} (one change every 7 days).");
    }

    [Fact]
    public async Task With_look_alikes_allowed_they_are_stored_side_by_side()
    {
        var app = App(("Users:RefuseConfusableUsernames", "false"));
        var suffix = Suffix();
        await app.CreateUserAsync(new UserBuilder().Named("alice" + suffix));
        var first = await app.CreateUserAsync();
        var second = await app.CreateUserAsync();

        foreach (var (id, name) in new[] { (first, "a1ice" + suffix), (second, "aIice" + suffix) })
        {
            using var response = await RenameAsync(app, id, name);
            await response.ReadUserAsync();
            Assert.True((await app.ReadUserAsync(id)).UsernameMayLookAlike);
        }
    }
}
