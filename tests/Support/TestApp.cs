using CleanUser.Application.Common.Security;
using CleanUser.Infrastructure.Identity;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence;
using MediatR;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanUser.Tests.Support;

/// <summary>
/// The real service — <c>Program</c> with every layer, as deployed — for tests, and the one host every test that
/// needs the service uses.
/// <list type="bullet">
/// <item>By default: environment <c>Testing</c> (nothing seeded), the test signing key <see cref="SigningKey"/>, no rate limits, and a
/// <see cref="TestFolder"/> of its own (media root, and the database: a SQLite file there, or a fresh PostgreSQL
/// database when <c>CLEANUSER_TEST_POSTGRES</c> is set), deleted with the app. One instance per test class
/// (<c>IClassFixture&lt;TestApp&gt;</c>), or per test where a test breaks or reconfigures it.</item>
/// <item><see cref="With"/> and <see cref="TestAppOptions"/>: change the environment, turn the outbox dispatcher off, add settings or
/// services, keep the database on SQLite, or serve on a real socket (<see cref="TestAppOptions.RealSocket"/>).</item>
/// <item><see cref="Over"/>: several instances of the service over one <see cref="TestFolder"/> — one database and
/// one storage — as several processes behind a load balancer would be.</item>
/// <item>Code inside the process — internal modules, the operator verbs — uses the same container as HTTP does, so
/// tests of it resolve from <see cref="WebApplicationFactory{TEntryPoint}.Services"/> and send requests with
/// <see cref="SendAsync"/>, which acts as an explicit caller (the system, usually): no HTTP request is involved.
/// There is no second, hand-assembled container of the Application and Infrastructure layers to keep in step with
/// <c>Program</c>. The container checks scopes and every registration when it is built, whatever the environment,
/// so a scoped service taken from the root fails here as it would in Development.</item>
/// </list>
/// Helpers insert users straight through the real <c>DbContext</c> (<see cref="CreateUserAsync"/>, with a
/// <see cref="UserBuilder"/>) and read them back as stored (<see cref="ReadUserAsync"/>), so a test can prove what a
/// request changed — and that a refused one changed nothing.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    /// <summary>The signing key of every test host (and of hand-made tokens, <see cref="Jwt"/>).</summary>
    public const string SigningKey = "tests-only-signing-key-0123456789abcdef-0123456789";

    private readonly TestAppOptions _options;
    private readonly bool _ownsFolder;

    /// <summary>The default app (the one constructor, as xunit wants of a class fixture).</summary>
    public TestApp()
        : this(TestFolder.Create(), new TestAppOptions(), ownsFolder: true)
    {
    }

    private TestApp(TestFolder folder, TestAppOptions options, bool ownsFolder)
    {
        Folder = folder;
        _options = options;
        _ownsFolder = ownsFolder;
        if (options.RealSocket)
        {
            UseKestrel();
            StartServer();
        }
    }

    /// <summary>An app with a folder of its own, configured by <paramref name="options"/>.</summary>
    public static TestApp With(TestAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(TestFolder.Create(options.SqliteOnly), options, ownsFolder: true);
    }

    /// <summary>An instance over <paramref name="folder"/>, which the caller owns and may share between instances.</summary>
    public static TestApp Over(TestFolder folder, TestAppOptions? options = null) => new(folder, options ?? new TestAppOptions(), ownsFolder: false);

    public TestFolder Folder { get; }

    public TestDatabase Database => Folder.Database;

    /// <summary>Where the SQLite file is, when the app runs on SQLite.</summary>
    public string DatabasePath => Folder.DatabasePath;

    public string MediaRoot => Folder.MediaRoot;

    /// <summary>What the service logged under <c>CleanUser.*</c>.</summary>
    public TestLog Log { get; } = new();

    /// <summary>The socket's address, with <see cref="TestAppOptions.RealSocket"/>.</summary>
    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A client without credentials: in memory, or to the socket with <see cref="TestAppOptions.RealSocket"/>.</summary>
    public HttpClient Client() => _options.RealSocket ? new HttpClient { BaseAddress = Address } : CreateClient();

    /// <summary>A client that sends <c>Authorization: Bearer</c> with an access token the service issued for <paramref name="userId"/>.</summary>
    public HttpClient ClientFor(long userId) => Client().WithToken(TokenFor(userId));

    public string TokenFor(long userId) => Services.GetRequiredService<AccessTokens>().Issue(userId);

    /// <summary>Inserts the user <paramref name="user"/> builds (a plain new user by default) and returns its id.</summary>
    public async Task<long> CreateUserAsync(UserBuilder? user = null)
    {
        var built = (user ?? new UserBuilder()).Build();
        await QueryAsync(db =>
        {
            db.Users.Add(built);
            return db.SaveChangesAsync();
        });
        return built.Id;
    }

    /// <summary>The user as stored now, read with a fresh <c>DbContext</c>.</summary>
    public Task<UserSnapshot> ReadUserAsync(long id) =>
        QueryAsync(async db => UserSnapshot.Of(await db.Users.AsNoTracking().Include(u => u.Tags).SingleAsync(u => u.Id == id)));

    /// <summary>Runs <paramref name="query"/> on a fresh <c>DbContext</c> of the app.</summary>
    public async Task<T> QueryAsync<T>(Func<CleanUserDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CleanUserDbContext>());
    }

    /// <summary>Every outbox row, oldest first.</summary>
    public Task<List<OutboxMessage>> OutboxAsync() =>
        QueryAsync(db => db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    /// <summary>
    /// Sends <paramref name="request"/> the way code inside the process does: in a scope of its own, acting as
    /// <paramref name="caller"/> — or, when it is null, as nobody set a caller (which is anonymous).
    /// </summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request, Caller? caller)
    {
        await using var scope = Services.CreateAsyncScope();
        if (caller is not null)
        {
            scope.ServiceProvider.GetRequiredService<CurrentCaller>().ActAs(caller);
        }

        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(_options.Environment);
        builder.UseDefaultServiceProvider(provider =>
        {
            provider.ValidateScopes = true;
            provider.ValidateOnBuild = true;
        });
        foreach (var (key, value) in Database.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Media:Root", MediaRoot);
        builder.UseSetting("Outbox:Enabled", _options.Outbox ? "true" : "false");
        // Short back-off so a retry is seen quickly; the poll stays slow, as prompt delivery must not need it.
        builder.UseSetting("Outbox:RetryBaseDelay", "00:00:00.100");
        builder.UseSetting("Outbox:PollInterval", "00:00:05");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The hosts test clients use (in memory: localhost; a real socket: 127.0.0.1). Outside Development the service
        // needs them, or Media:PublicBaseUrl, to build image URLs from (docs/security.md#http-hygiene).
        builder.UseSetting("AllowedHosts", "localhost;127.0.0.1");
        // Not throttled: tests send many requests per user and from one client. Rate-limit tests set their own limits.
        builder.UseSetting("RateLimiting:WritesPerMinute", "0");
        builder.UseSetting("RateLimiting:AnonymousPerMinute", "0");
        builder.UseSetting("RateLimiting:FailedAuthenticationsPerMinute", "0");
        // Many hosts share one test process; each would run full collections of the whole process's heap.
        builder.UseSetting("Memory:TrimAboveMiB", "0");
        if (_options.RealSocket)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
        }

        foreach (var (key, value) in _options.Settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Log).AddFilter<TestLog>("CleanUser", LogLevel.Trace));
        if (_options.Services is not null)
        {
            builder.ConfigureTestServices(_options.Services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsFolder)
        {
            Folder.Dispose();
        }
    }
}

/// <summary>How a <see cref="TestApp"/> differs from the default one.</summary>
public sealed record TestAppOptions
{
    /// <summary>The host environment: <c>Testing</c> seeds nothing; <c>Development</c> seeds the demo community.</summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>Whether this instance runs the outbox dispatcher (<c>Outbox:Enabled</c>).</summary>
    public bool Outbox { get; init; } = true;

    /// <summary>
    /// Serve on a real Kestrel socket on a free loopback port instead of the in-memory test server: for what that
    /// server does not do (request body limits, clients outside the process such as a browser).
    /// </summary>
    public bool RealSocket { get; init; }

    /// <summary>SQLite whatever the run, for tests about the SQLite file itself (ignored by <see cref="TestApp.Over"/>).</summary>
    public bool SqliteOnly { get; init; }

    /// <summary>More settings, applied after the defaults.</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>Services added or replaced after the app's own registrations.</summary>
    public Action<IServiceCollection>? Services { get; init; }
}
