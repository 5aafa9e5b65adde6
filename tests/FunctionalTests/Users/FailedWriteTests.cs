using System.Net;
using CleanUser.Infrastructure.Audit;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Users;

/// <summary>
/// A change is one transaction: when it fails after its rows have reached the database, none of them stays — not the
/// user's columns, not the outbox row of its event, not its audit entry.
/// </summary>
public sealed class FailedWriteTests : IDisposable
{
    private readonly FailAfterSaving _failure = new();
    private readonly TestApp _app;

    public FailedWriteTests() => _app = TestApp.With(new TestAppOptions
    {
        Services = services => services.ConfigureDbContext<CleanUserDbContext>(options => options.AddInterceptors(_failure)),
    });

    [Fact]
    public async Task A_change_that_fails_after_its_rows_are_written_leaves_nothing_written()
    {
        var id = await _app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await _app.ReadUserAsync(id);
        var outbox = await _app.OutboxAsync();
        using var client = _app.ClientFor(id);

        _failure.Armed = true;
        using var response = await client.PatchJsonAsync(id, new { bio = "never stored", avatar = (string?)null });
        _failure.Armed = false;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(before, await _app.ReadUserAsync(id));
        Assert.Equal(outbox.Count, (await _app.OutboxAsync()).Count); // the avatar's removal raised an event
        Assert.False(await _app.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.UserId == id)));
    }

    public void Dispose() => _app.Dispose();

    /// <summary>
    /// Fails each save once its statements have run — after the commit of its own transaction, when it has one: a
    /// save that is not inside the change's transaction would stay written.
    /// </summary>
    private sealed class FailAfterSaving : SaveChangesInterceptor
    {
        public bool Armed { get; set; }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
            CancellationToken cancellationToken = default) =>
            Armed ? throw new InvalidOperationException("simulated failure after the rows were written") : ValueTask.FromResult(result);
    }
}
