using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CleanUser.Tests.Support;
using Microsoft.Data.Sqlite;

namespace CleanUser.FunctionalTests.HttpStandards;

public class HealthAndOptionsTests(TestApp app) : IClassFixture<TestApp>
{
    private const string AcceptPatch =
        "application/json, application/merge-patch+json, application/json-patch+json, application/x-www-form-urlencoded, multipart/form-data";

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_200_healthy_without_credentials(string path)
    {
        var response = await app.CreateClient().GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Get_and_options_advertise_the_patch_formats()
    {
        var id = await app.CreateUserAsync();
        var client = app.CreateClient();

        var get = await client.GetUserAsync(id);
        var options = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, Api.UserUri(id)));

        Assert.Equal(AcceptPatch, string.Join(", ", get.Headers.GetValues("Accept-Patch")));
        Assert.Equal(HttpStatusCode.NoContent, options.StatusCode);
        Assert.Equal(AcceptPatch, string.Join(", ", options.Headers.GetValues("Accept-Patch")));
        Assert.Equal(["GET", "HEAD", "PATCH", "PUT", "OPTIONS"], options.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_415_on_patch_carries_Accept_Patch()
    {
        var id = await app.CreateUserAsync();

        var response = await app.ClientFor(id).PatchAsync(id, Api.Raw("bio=x", "text/plain"));

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(AcceptPatch, string.Join(", ", response.Headers.GetValues("Accept-Patch")));
    }
}

/// <summary>Readiness with the SQLite file gone: its own app, because it breaks the database. SQLite whatever the run.</summary>
public class ReadinessWithoutDatabaseTests : IDisposable
{
    // Nothing else may open the file between deleting it and putting a directory there: SQLite would create it
    // again. The outbox dispatcher's first round, right after start, did sometimes.
    private readonly TestApp _app = TestApp.With(new TestAppOptions { SqliteOnly = true, Outbox = false });

    [Fact]
    public async Task Ready_is_503_when_the_database_file_is_unreachable_while_live_stays_200()
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Api.Relative("/health/ready"))).StatusCode);

        SqliteConnection.ClearAllPools();
        File.Delete(_app.DatabasePath);
        // A directory where the file was: SQLite can neither open nor recreate it.
        Directory.CreateDirectory(_app.DatabasePath);

        await Readiness.AssertNotReadyButLiveAsync(client);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_app.DatabasePath))
        {
            Directory.Delete(_app.DatabasePath);
        }

        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Readiness with the PostgreSQL database gone (dropped under the running service).</summary>
public sealed class PostgresReadinessWithoutDatabaseTests : IDisposable
{
    private readonly TestApp _app = new();

    [PostgresFact]
    public async Task Ready_is_503_when_the_postgres_database_is_dropped_while_live_stays_200()
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Api.Relative("/health/ready"))).StatusCode);

        _app.Database.Drop(); // closes the service's connections too

        var started = Stopwatch.StartNew();
        await Readiness.AssertNotReadyButLiveAsync(client);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"readiness took {started.Elapsed} to answer");
    }

    public void Dispose() => _app.Dispose();
}

internal static class Readiness
{
    public static async Task AssertNotReadyButLiveAsync(HttpClient client)
    {
        var ready = await client.GetAsync(Api.Relative("/health/ready"));
        var live = await client.GetAsync(Api.Relative("/health/live"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
