using CleanUser.Tests.Support;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>The outbox rows of a save: written with it when it succeeds, not at all when it fails, and once when it is retried.</summary>
public sealed class OutboxWriteTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_save_refused_by_the_database_keeps_the_events_and_its_retry_writes_each_of_them_once()
    {
        var taken = UserBuilder.UniqueName("taken");
        await app.CreateUserAsync(new UserBuilder().Named(taken));
        var id = await app.CreateUserAsync();
        const string avatar = "avatars/outbox-retry.jpg";

        await using var scope = app.Services.CreateAsyncScope();
        var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        var user = (await scope.ServiceProvider.GetRequiredService<IUserRepository>().GetByIdAsync(id, CancellationToken.None))!;
        user.ChangeAvatar(avatar, DateTimeOffset.UtcNow);
        // Past the validator's check, as a racing request would be: the unique index refuses the save.
        user.ChangeUsername(Username.FromStored(taken), DateTimeOffset.UtcNow, UsernamePolicy.Default);

        await Assert.ThrowsAsync<UsernameAlreadyTakenException>(() => unitOfWork.SaveChangesAsync(CancellationToken.None));
        Assert.Equal([typeof(UserAvatarChanged), typeof(UserUpdated)], user.DomainEvents.Select(e => e.GetType()));
        Assert.Empty(await RowsForAsync(id));

        user.ChangeUsername(Username.FromStored(UserBuilder.UniqueName()), DateTimeOffset.UtcNow, UsernamePolicy.Default);
        await unitOfWork.SaveChangesAsync(CancellationToken.None);

        Assert.Empty(user.DomainEvents);
        var written = Assert.Single(await RowsForAsync(id));
        Assert.Equal((id, null, avatar), (written.UserId, written.OldAvatar, written.NewAvatar));
    }

    private async Task<List<UserAvatarChanged>> RowsForAsync(long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<CleanUserDbContext>().OutboxMessages.AsNoTracking().ToListAsync();
        return rows.Select(row => OutboxEventTypes.Deserialize(row.Type, row.Payload))
            .OfType<UserAvatarChanged>().Where(e => e.UserId == id).ToList();
    }
}
