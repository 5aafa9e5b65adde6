namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// The HTTP and media store settings are checked before the service listens: the real process (in Production) stops with
/// exit code 1 and one line naming the key (docs/security.md#http-hygiene, docs/api.md#rate-limits, docs/images.md#s3).
/// </summary>
public sealed class HttpStartupTests : IDisposable
{
    private readonly AppProcess _process = new();

    [Theory]
    [InlineData(null)]
    [InlineData("*")]
    [InlineData("")]
    public async Task Outside_development_without_a_public_base_url_any_host_stops_the_service(string? allowedHosts)
    {
        var run = await _process.RunAsync(Settings(("AllowedHosts", allowedHosts)), "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("CleanUser cannot start: Media:PublicBaseUrl is not set and AllowedHosts allows any host", line, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RateLimiting__Store", "Redis", "CleanUser cannot start: RateLimiting:Store \"Redis\" needs ConnectionStrings:Redis")]
    [InlineData("RateLimiting__Store", "Disk", "CleanUser cannot start: RateLimiting:Store must be \"Memory\" or \"Redis\"")]
    [InlineData("RateLimiting__WriteBurst", "-1", "CleanUser cannot start: RateLimiting:WriteBurst must be 0 (off) or more")]
    [InlineData("Http__RequestTimeoutSeconds", "-5", "CleanUser cannot start: Http:RequestTimeoutSeconds must be 0 (off) or more")]
    public async Task An_unusable_http_setting_stops_the_service(string key, string value, string expected)
    {
        var run = await _process.RunAsync(Settings((key, value)), "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(expected, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Disk", null, null, null, "CleanUser cannot start: Failed to convert configuration value 'Disk' at 'Media:Provider'")]
    [InlineData("S3", null, "http://127.0.0.1:9000/media/", null, "CleanUser cannot start: Media:S3:Bucket is required")]
    [InlineData("S3", "media", null, null, "CleanUser cannot start: Media:PublicBaseUrl is required with Media:Provider=S3")]
    [InlineData("S3", "media", "http://127.0.0.1:9000/media/", "AKIA-only", "CleanUser cannot start: Media:S3:AccessKey and Media:S3:SecretKey go together")]
    public async Task An_unusable_media_store_setting_stops_the_service(string provider, string? bucket, string? publicBaseUrl,
        string? accessKey, string expected)
    {
        var run = await _process.RunAsync(Settings(("Media__Provider", provider), ("Media__S3__Bucket", bucket),
            ("Media__PublicBaseUrl", publicBaseUrl), ("Media__S3__AccessKey", accessKey)), "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(expected, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("listening", run.Output, StringComparison.Ordinal);
    }

    /// <summary>A SQLite database and a media folder in the process's folder, plus <paramref name="settings"/>.</summary>
    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Default"] = $"Data Source={Path.Combine(_process.Folder, "cleanuser.db")}",
            ["Media__Root"] = Path.Combine(_process.Folder, "media"),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return all;
    }

    public void Dispose() => _process.Dispose();
}
