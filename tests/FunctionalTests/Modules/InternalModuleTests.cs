using CleanUser.Tests.Support;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>
/// Code inside the process (another module) sends the same command as the API does, with an explicit principal —
/// the system, usually; the same rules, validation and transaction apply — checked on a real database, without HTTP.
/// </summary>
public sealed class InternalModuleTests(TestApp app) : IClassFixture<TestApp>
{
    private async Task<Outcome> SendAsync(PatchUserCommand command, Caller? caller)
    {
        try
        {
            return new(await app.SendAsync(command, caller), null);
        }
#pragma warning disable CA1031 // The tests assert on the exception the module would see.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new(null, exception);
        }
    }

    private sealed record Outcome(Application.Users.UserDto? User, Exception? Error);

    [Fact]
    public async Task A_command_sent_as_the_system_principal_is_persisted()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        var username = UserBuilder.UniqueName("Module");

        var result = await SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", "Set by a module"), ("gender", "male"), ("username", username))), Caller.System);

        Assert.Null(result.Error);
        Assert.Equal("Set by a module", result.User!.Bio);
        var after = await app.ReadUserAsync(id);
        Assert.NotNull(after.UsernameChangedAt); // a rename records its time
        Assert.Equal(before.Written() with
        {
            Bio = "Set by a module", Gender = Gender.Male, Username = username, UsernameChangedAt = after.UsernameChangedAt,
        }, after);
    }

    [Fact]
    public async Task An_invalid_command_fails_with_the_same_codes_as_over_http_and_changes_nothing()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);

        var result = await SendAsync(new PatchUserCommand(id, ProfilePatch.Of(
            ("username", "admin"), ("bio", new string('b', 5001)), ("gender", "robot"), ("avatar", "https://elsewhere.example/a.png"))),
            Caller.System);

        var validation = Assert.IsType<ValidationException>(result.Error);
        Assert.Equal(
            [("username", "reserved"), ("bio", "max_length"), ("gender", "invalid_choice"), ("avatar", "invalid")],
            validation.Errors.Select(e => (e.PropertyName, e.ErrorCode)));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Without_a_principal_the_command_is_refused_as_not_authenticated()
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);

        var result = await SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", "anonymous"))), caller: null);

        Assert.IsType<NotAuthenticatedException>(result.Error);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_user_principal_may_not_patch_someone_else()
    {
        var id = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);

        var result = await SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", "not mine"))), Caller.ForUser(other));

        Assert.IsType<ForbiddenException>(result.Error);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task The_system_principal_cannot_edit_a_blocked_account_either()
    {
        var id = await app.CreateUserAsync(new UserBuilder().Blocked());
        var before = await app.ReadUserAsync(id);

        var result = await SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", "forced"))), Caller.System);

        Assert.Equal(RuleCodes.AccountBlocked, Assert.IsType<AccountNotEditableException>(result.Error).Violation.Code);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_transaction_that_throws_after_saving_leaves_the_database_unchanged()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        string? seenInsideTransaction = null;

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
            var users = scope.ServiceProvider.GetRequiredService<IUserRepository>();
            var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();

            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => unitOfWork.ExecuteInTransactionAsync<int>(async ct =>
            {
                var user = await users.GetByIdAsync(id, ct);
                user!.Edit(("bio", "never committed"), ("location", "Nowhere"));
                await unitOfWork.SaveChangesAsync(ct);
                // The write really reached the database, inside the transaction...
                seenInsideTransaction = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.Bio).SingleAsync(ct);
                throw new InvalidOperationException("the operation fails after saving");
            }, CancellationToken.None));
            Assert.Equal("the operation fails after saving", thrown.Message);
        }

        // ...and was rolled back with it.
        Assert.Equal("never committed", seenInsideTransaction);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }
}
