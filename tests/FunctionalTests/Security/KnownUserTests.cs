using System.Data.Common;
using System.Net;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Security;

/// <summary>
/// The token's user is looked up once and then known for a while (docs/adr/0018-known-users.md): a second request
/// with the same token sends only the statements of the request itself; a user that does not exist is asked for
/// every time, so one created since is found at once.
/// </summary>
public sealed class KnownUserTests : IDisposable
{
    private readonly StatementCounter _statements = new();
    private readonly TestApp _app;

    public KnownUserTests() => _app = TestApp.With(new TestAppOptions
    {
        Outbox = false,
        Services = services => services.ConfigureDbContext<CleanUserDbContext>(options => options.AddInterceptors(_statements)),
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_known_user_is_not_looked_up_again_on_the_next_request()
    {
        var id = await _app.CreateUserAsync();
        using var client = _app.ClientFor(id);
        using (var first = await client.GetUserAsync(id))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var anonymous = await CountAsync(() => _app.Client().GetUserAsync(id));
        var authenticated = await CountAsync(() => client.GetUserAsync(id));

        Assert.Equal(anonymous, authenticated);
    }

    [Fact]
    public async Task A_user_that_did_not_exist_is_found_as_soon_as_it_does()
    {
        var id = await _app.CreateUserAsync();
        var next = id + 1;
        using var client = _app.Client().WithToken(_app.TokenFor(next));
        using (var before = await client.GetUserAsync(id))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        }

        Assert.Equal(next, await _app.CreateUserAsync());

        using var after = await client.GetUserAsync(id);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private async Task<int> CountAsync(Func<Task<HttpResponseMessage>> request)
    {
        var before = _statements.Count;
        using var response = await request();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return _statements.Count - before;
    }

    private sealed class StatementCounter : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
