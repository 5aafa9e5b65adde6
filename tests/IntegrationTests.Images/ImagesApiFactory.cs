using System.Net.Http.Headers;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Identity;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using CleanUser.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// The whole service over a database and a media folder of its own (<see cref="TestFolder"/>). Two factories
/// given the same <see cref="TestFolder"/> are two instances of the service over one database and one storage.
/// </summary>
public sealed class ImagesApiFactory : WebApplicationFactory<Program>
{
    private readonly bool _outboxEnabled;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly bool _ownsFolder;
    private readonly IReadOnlyDictionary<string, string> _settings;

    public ImagesApiFactory()
        : this(TestFolder.Create(), outboxEnabled: true, configureServices: null, settings: null, ownsFolder: true)
    {
    }

    /// <summary>An instance over <paramref name="folder"/>, which the caller owns (and may share between instances).</summary>
    public static ImagesApiFactory Over(TestFolder folder, bool outboxEnabled = true, Action<IServiceCollection>? configureServices = null,
        IReadOnlyDictionary<string, string>? settings = null) =>
        new(folder, outboxEnabled, configureServices, settings, ownsFolder: false);

    private ImagesApiFactory(TestFolder folder, bool outboxEnabled, Action<IServiceCollection>? configureServices,
        IReadOnlyDictionary<string, string>? settings, bool ownsFolder)
    {
        _settings = settings ?? new Dictionary<string, string>();
        Folder = folder;
        _outboxEnabled = outboxEnabled;
        _configureServices = configureServices;
        _ownsFolder = ownsFolder;
    }

    public TestFolder Folder { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Folder.Database.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Auth:SigningKey", "images-integration-tests-signing-key-0123456789");
        builder.UseSetting("Media:Root", Folder.MediaRoot);
        builder.UseSetting("Outbox:Enabled", _outboxEnabled ? "true" : "false");
        // Short back-off so a retry is seen quickly; the poll stays slow, as prompt delivery must not need it.
        builder.UseSetting("Outbox:RetryBaseDelay", "00:00:00.100");
        builder.UseSetting("Outbox:PollInterval", "00:00:05");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }

    public async Task<long> CreateUserAsync(string? username = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var user = User.Register(Username.FromStored(username ?? "u" + Guid.NewGuid().ToString("N")[..12]), DateTimeOffset.UtcNow);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    public HttpClient ClientFor(long userId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", Services.GetRequiredService<AccessTokens>().Issue(userId));
        return client;
    }

    public async Task<T> QueryAsync<T>(Func<CleanUserDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CleanUserDbContext>());
    }

    public Task<User> UserAsync(long id) =>
        QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == id));

    public Task<List<OutboxMessage>> OutboxAsync() =>
        QueryAsync(db => db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsFolder)
        {
            Folder.Dispose();
        }
    }
}

/// <summary>
/// The database and the media root of one or more service instances: a temporary folder, with the SQLite file in
/// it — or, when <c>CLEANUSER_TEST_POSTGRES</c> is set, a fresh PostgreSQL database (<see cref="TestDatabase"/>).
/// </summary>
public sealed class TestFolder : IDisposable
{
    private TestFolder(string path)
    {
        Path = path;
        Directory.CreateDirectory(MediaRoot);
        Database = TestDatabase.Create(DatabasePath);
    }

    public string Path { get; }

    public string DatabasePath => System.IO.Path.Combine(Path, "cleanuser.db");

    public TestDatabase Database { get; }

    public string MediaRoot => System.IO.Path.Combine(Path, "media");

    public static TestFolder Create() =>
        new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cleanuser-images-tests", Guid.NewGuid().ToString("N")));

    /// <summary>The stored media, as keys (<c>avatars/…jpg</c>), temporary files excluded.</summary>
    public SortedSet<string> MediaFiles() =>
        new(Directory.EnumerateFiles(MediaRoot, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(MediaRoot, f).Replace('\\', '/'))
            .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.')), StringComparer.Ordinal);

    public string MediaPath(string key) => System.IO.Path.Combine(MediaRoot, key);

    public void Dispose()
    {
        Database.Dispose();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
