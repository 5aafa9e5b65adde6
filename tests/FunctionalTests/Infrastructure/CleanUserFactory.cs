using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Identity;
using CleanUser.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Infrastructure;

/// <summary>
/// The real app over real HTTP (TestServer), on a database of its own — a SQLite file in a fresh temp folder, or a
/// fresh PostgreSQL database when <c>CLEANUSER_TEST_POSTGRES</c> is set (<see cref="TestDatabase"/>) — with a test
/// signing key. Environment "Testing": no demo seed. One instance per test class (<c>IClassFixture</c>).
/// </summary>
public class CleanUserFactory : WebApplicationFactory<Program>
{
    public const string SigningKey = "functional-tests-only-signing-key-0123456789abcdef";

    private readonly string _environment;
    private readonly string? _signingKey;

    public CleanUserFactory()
        : this("Testing", SigningKey)
    {
    }

    /// <param name="sqliteOnly">On SQLite whatever the run: for tests about the SQLite file itself.</param>
    protected CleanUserFactory(string environment, string? signingKey, bool sqliteOnly = false)
    {
        _environment = environment;
        _signingKey = signingKey;
        Directory.CreateDirectory(DataFolder);
        Database = sqliteOnly ? TestDatabase.Sqlite(DatabasePath) : TestDatabase.Create(DatabasePath);
    }

    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), "cleanuser-func-" + Guid.NewGuid().ToString("N"));

    /// <summary>Where the SQLite file is, when the host runs on SQLite.</summary>
    public string DatabasePath => Path.Combine(DataFolder, "cleanuser.db");

    public TestDatabase Database { get; }

    public string MediaRoot => Path.Combine(DataFolder, "media");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in Database.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Media:Root", MediaRoot);
        if (_signingKey is not null)
        {
            builder.UseSetting("Auth:SigningKey", _signingKey);
        }
    }

    /// <summary>A client that sends <c>Authorization: Bearer</c> with a real access token for <paramref name="userId"/>.</summary>
    public HttpClient ClientFor(long userId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TokenFor(userId));
        return client;
    }

    public string TokenFor(long userId) => Services.GetRequiredService<AccessTokens>().Issue(userId);

    /// <summary>Inserts a user straight through the real DbContext (no API involved) and returns its id.</summary>
    public Task<long> CreateUserAsync(string? username = null, Action<User>? shape = null, string? extId = null) =>
        TestUsers.InsertAsync(Services, username, shape, extId);

    /// <summary>A user with every profile field, counters, company, badge and two tags set to non-default values.</summary>
    public Task<long> CreateRichUserAsync(string? username = null) =>
        CreateUserAsync(username, TestUsers.MakeRich);

    /// <summary>The user as stored now, read with a fresh DbContext.</summary>
    public Task<UserSnapshot> ReadUserAsync(long id) => TestUsers.ReadAsync(Services, id);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Database.Dispose();
            if (Directory.Exists(DataFolder))
            {
                Directory.Delete(DataFolder, recursive: true);
            }
        }
    }
}
