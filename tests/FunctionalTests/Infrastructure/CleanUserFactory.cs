using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Infrastructure;

/// <summary>
/// The real app over real HTTP (TestServer), on its own SQLite file in a fresh temp folder, with a test
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

    protected CleanUserFactory(string environment, string? signingKey)
    {
        _environment = environment;
        _signingKey = signingKey;
        Directory.CreateDirectory(DataFolder);
    }

    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), "cleanuser-func-" + Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(DataFolder, "cleanuser.db");

    public string MediaRoot => Path.Combine(DataFolder, "media");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(_environment);
        builder.UseSetting("ConnectionStrings:Default", $"Data Source={DatabasePath}");
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
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(DataFolder))
            {
                Directory.Delete(DataFolder, recursive: true);
            }
        }
    }
}
