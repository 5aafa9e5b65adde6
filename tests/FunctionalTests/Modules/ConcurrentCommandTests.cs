using CleanUser.Tests.Support;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Application.Users.Queries.GetUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>
/// Two commands overlapping on one database, arranged step by step instead of raced, where SQLite (one writer at a
/// time) and PostgreSQL (READ COMMITTED, row locks, unique index waits) reach the same outcome by different paths.
/// </summary>
public sealed class ConcurrentCommandTests(TestApp app) : IClassFixture<TestApp>
{
    // Long enough for the other command to be validated meanwhile even when the whole suite runs on a busy machine (at
    // 500 ms, PostgreSQL runs sometimes validated it after the commit, and it was refused by the validator instead).
    private static readonly TimeSpan HeldOpen = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_name_written_by_a_transaction_still_open_is_refused_as_unique_once_it_commits()
    {
        var first = await app.CreateUserAsync();
        var second = await app.CreateUserAsync();
        var wanted = UserBuilder.UniqueName("race");
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first command has written the name and keeps its transaction open a moment longer.
        var holder = HoldTransactionAsync(first, written, (user, _, _) =>
        {
            user.ChangeUsername(Username.FromStored(wanted), DateTimeOffset.UtcNow, UsernamePolicy.Default);
            return Task.CompletedTask;
        });
        await written.Task;

        // The second sees the name free (nothing is committed yet) and goes on: PostgreSQL makes its write wait on
        // the unique index and then refuses it (23505); SQLite makes its transaction wait for the writer, after which
        // the name is taken. Either way: UsernameAlreadyTaken, the 400 unique of the API, never a database error.
        var refused = await Assert.ThrowsAsync<UsernameAlreadyTakenException>(() =>
            SendAsSystemAsync(new PatchUserCommand(second, ProfilePatch.Of(("username", wanted)))));
        await holder;

        Assert.Equal(RuleCodes.Unique, refused.Violation.Code);
        Assert.Equal(wanted, (await app.ReadUserAsync(first)).Username);
        Assert.NotEqual(wanted, (await app.ReadUserAsync(second)).Username);
    }

    [Fact]
    public async Task A_command_on_a_user_another_transaction_is_changing_waits_and_keeps_both_changes()
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var holder = HoldTransactionAsync(id, written, (user, _, _) =>
        {
            user.Edit(("bio", "from the first"));
            return Task.CompletedTask;
        });
        await written.Task;

        // PostgreSQL: the second waits for the row lock the first holds, then loads the committed row. SQLite: it finds
        // the first at the user, so it waits for the writer before it loads (docs/adr/0026-reads-before-the-write-turn.md).
        // Neither needs the optimistic-concurrency retry, and nothing is lost.
        await SendAsSystemAsync(new PatchUserCommand(id, ProfilePatch.Of(("location", "from the second"))));
        await holder;

        Assert.Equal(before with { Bio = "from the first", Location = "from the second", Version = before.Version + 2 },
            await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_read_does_not_wait_for_a_command_that_holds_the_user_and_sees_only_what_is_committed()
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The command keeps its transaction open until the read is done.
        var holder = HoldTransactionAsync(id, written, (user, _, _) =>
        {
            user.Edit(("bio", "not committed yet"));
            return Task.CompletedTask;
        }, until: read.Task);
        await written.Task;

        // A query runs outside any transaction. Inside one it would wait for the writer — SQLite's single write lock,
        // the row lock a command takes on PostgreSQL — for as long as the command holds it.
        try
        {
            // On a pool thread: a read that waits on SQLite's lock blocks its thread, and the bound must still hold.
            var user = await Task.Run(() => app.SendAsync(new GetUserQuery(id), Caller.Anonymous)).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(before.Bio, user.Bio);
        }
        finally
        {
            read.TrySetResult();
        }

        await holder;
        Assert.Equal("not committed yet", (await app.ReadUserAsync(id)).Bio);
    }

    /// <summary>
    /// Changes the user in a transaction of the unit of work, signals, and commits only after <see cref="HeldOpen"/>
    /// (or once <paramref name="until"/> completes).
    /// </summary>
    private Task HoldTransactionAsync(long id, TaskCompletionSource written,
        Func<User, IUsernameUniquenessChecker, CancellationToken, Task> change, Task? until = null) => Task.Run(async () =>
    {
        await using var scope = app.Services.CreateAsyncScope();
        var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        var users = scope.ServiceProvider.GetRequiredService<IUserRepository>();
        var uniqueness = scope.ServiceProvider.GetRequiredService<IUsernameUniquenessChecker>();
        await unitOfWork.ExecuteInTransactionAsync(async ct =>
        {
            var user = await users.GetByIdAsync(id, ct);
            await change(user!, uniqueness, ct);
            await unitOfWork.SaveChangesAsync(ct);
            written.TrySetResult();
            await (until ?? Task.Delay(HeldOpen, ct));
            return 0;
        }, CancellationToken.None);
    });

    private Task<UserDto> SendAsSystemAsync(PatchUserCommand command) => app.SendAsync(command, Caller.System);
}
