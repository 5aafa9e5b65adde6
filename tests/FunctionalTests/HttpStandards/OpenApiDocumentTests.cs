using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>
/// The served OpenAPI document is the reviewed one in <c>docs/openapi.json</c>. After an intended API change,
/// regenerate it with <c>UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests</c> and review the diff.
/// </summary>
public partial class OpenApiDocumentTests(TestApp app) : IClassFixture<TestApp>
{
    private static string CommittedPath => Path.Combine(RepositoryRoot(), "docs", "openapi.json");

    private async Task<string> ServedAsync()
    {
        var response = await app.CreateClient().GetAsync(Api.Relative("/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    [Fact]
    public async Task The_served_document_equals_the_committed_one()
    {
        var served = await ServedAsync();
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, served);
        }

        var committed = (await File.ReadAllTextAsync(CommittedPath)).ReplaceLineEndings("\n");
        Assert.True(committed == served,
            "docs/openapi.json differs from the served document; run UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests and review the diff.");
    }

    [Fact]
    public async Task The_document_is_OpenAPI_3_1_and_describes_PATCH_fully()
    {
        using var document = JsonDocument.Parse(await ServedAsync());
        var root = document.RootElement;

        Assert.StartsWith("3.1", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var patch = root.GetProperty("paths").GetProperty("/api/v2/user/{id}").GetProperty("patch");
        var contentTypes = patch.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(
            ["application/json", "application/json-patch+json", "application/merge-patch+json", "application/x-www-form-urlencoded", "multipart/form-data"],
            contentTypes.Order(StringComparer.Ordinal));
        var statuses = patch.GetProperty("responses").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["200", "400", "401", "403", "404", "409", "412", "413", "415", "422", "429", "503"], statuses);
        Assert.True(patch.GetProperty("responses").GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.True(patch.GetProperty("responses").GetProperty("503").GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.Equal("Bearer", patch.GetProperty("security")[0].EnumerateObject().Single().Name);
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task The_schemas_use_the_wire_names_and_rules()
    {
        using var document = JsonDocument.Parse(await ServedAsync());
        var root = document.RootElement;
        var body = root.GetProperty("paths").GetProperty("/api/v2/user/{id}").GetProperty("patch")
            .GetProperty("requestBody").GetProperty("content");

        var json = body.GetProperty("application/json").GetProperty("schema").GetProperty("properties");
        Assert.Equal(255, json.GetProperty("username").GetProperty("maxLength").GetInt32());
        Assert.Equal(50, json.GetProperty("description").GetProperty("maxLength").GetInt32());
        Assert.Equal("date", json.GetProperty("date_of_birth").GetProperty("format").GetString());
        var multipart = body.GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties");
        Assert.Equal("binary", multipart.GetProperty("avatar").GetProperty("format").GetString());
        var jsonPatch = body.GetProperty("application/json-patch+json").GetProperty("schema");
        Assert.Equal(JsonValueKind.Array.ToString().ToLowerInvariant(), jsonPatch.GetProperty("type").GetString());
        Assert.Equal(100, jsonPatch.GetProperty("maxItems").GetInt32()); // JsonPatch:MaxOperations

        var user = root.GetProperty("components").GetProperty("schemas").GetProperty("UserDto").GetProperty("properties");
        Assert.Equal(
            ["id", "username", "real_name", "avatar", "ext_id", "followings_counter", "followers_counter", "posts_counter",
             "discussions_counter", "polls_counter", "connection_status", "categories_counter", "date_joined", "bio",
             "location", "location_lat_lng", "position_lat_lng", "date_of_birth", "description", "gender", "website",
             "cover", "tags", "reputation", "community_badge", "reg_approved", "deleted", "company_name", "company_role"],
            user.EnumerateObject().Select(p => p.Name));
        var problem = root.GetProperty("components").GetProperty("schemas").GetProperty("ProblemBody").GetProperty("properties");
        Assert.True(problem.TryGetProperty("errors", out _));
    }

    /// <summary>Issue 4, acceptance 7: the reference page and the assets it loads come from the app itself.</summary>
    [Fact]
    public async Task The_reference_page_loads_only_from_the_app()
    {
        var client = app.CreateClient();
        var page = await client.GetAsync(Api.Relative("/docs/v1"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();

        Assert.DoesNotMatch(AbsoluteUrl(), html);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
        var assets = ScriptSource().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        Assert.NotEmpty(assets);
        foreach (var asset in assets)
        {
            var response = await client.GetAsync(new Uri($"/docs/{asset}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var script = await response.Content.ReadAsStringAsync();
            // A bundle mentions URLs in documentation strings and examples; what matters is what it would load.
            // The only loads of another host in the bundle are the default web fonts, which the page turns off.
            var loads = ExternalLoad().Matches(script).Select(m => m.Groups["host"].Value).Distinct().ToList();
            Assert.All(loads, host => Assert.Equal("fonts.scalar.com", host));
        }
    }

    [GeneratedRegex("https?://", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex("""<script[^>]*\ssrc="(?<src>[^"]+)""")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("""(?:src=|href=|url\(|import\(|from\s|fetch\(|new\s+WebSocket\()["'`]?https?://(?<host>[A-Za-z0-9.-]+)""")]
    private static partial Regex ExternalLoad();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CleanUser.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CleanUser.sln not found above the test output.");
    }
}
