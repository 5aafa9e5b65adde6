using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using CleanUser.Infrastructure.Audit;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Audit;

/// <summary>The audit entry of a save is written with it: none when the database refuses the save, one when it is retried.</summary>
public sealed class AuditRetryTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_save_refused_by_the_database_writes_no_entry_and_its_retry_writes_one()
    {
        var taken = UserBuilder.UniqueName("taken");
        await app.CreateUserAsync(new UserBuilder().Named(taken));
        var id = await app.CreateUserAsync();
        var original = (await app.ReadUserAsync(id)).Username;
        var renamed = UserBuilder.UniqueName("renamed");

        await using var scope = app.Services.CreateAsyncScope();
        var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        var user = (await scope.ServiceProvider.GetRequiredService<IUserRepository>().GetByIdAsync(id, CancellationToken.None))!;
        // Past the validator's check, as a racing request would be: the unique index refuses the save.
        user.ChangeUsername(Username.FromStored(taken), DateTimeOffset.UtcNow, UsernamePolicy.Default);

        await Assert.ThrowsAsync<UsernameAlreadyTakenException>(() => unitOfWork.SaveChangesAsync(CancellationToken.None));
        Assert.Empty(await EntriesAsync(id));

        user.ChangeUsername(Username.FromStored(renamed), DateTimeOffset.UtcNow, UsernamePolicy.Default);
        await unitOfWork.SaveChangesAsync(CancellationToken.None);

        var entry = Assert.Single(await EntriesAsync(id));
        Assert.Equal([new FieldChange("username", original, renamed)], entry.Changes);
        Assert.Equal(("system", "module"), (entry.Actor, entry.Channel)); // no caller named, no channel set: code in the process
    }

    private Task<List<AuditEntry>> EntriesAsync(long id) =>
        app.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking().Where(e => e.UserId == id).ToListAsync());
}
