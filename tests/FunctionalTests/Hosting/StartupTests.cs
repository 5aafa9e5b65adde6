using CleanUser.Infrastructure.Identity;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// Outside Development there is no built-in signing key: without a usable one (set, and at least 32 bytes) the real
/// process stops with exit code 1 and one line naming the setting, before anything listens.
/// </summary>
public sealed class StartupTests : IDisposable
{
    private readonly AppProcess _process = new();

    [Theory]
    [InlineData(null, "CleanUser cannot start: Auth:SigningKey is not configured.")]
    [InlineData("", "CleanUser cannot start: Auth:SigningKey is not configured.")]
    [InlineData("a-key-of-31-bytes-0123456789abc", "CleanUser cannot start: Auth:SigningKey must be at least 32 bytes long.")]
    public async Task Outside_development_an_unusable_signing_key_stops_the_service_before_it_listens(string? key, string expected)
    {
        var run = await _process.RunAsync(Settings(key), "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(expected, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("listening", run.Output, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(key))
        {
            Assert.DoesNotContain(key, run.Output + run.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Outside_development_a_signing_key_of_32_bytes_is_enough()
    {
        // The control for the cases above; the migrate verb checks the key as serving does, then exits.
        var run = await _process.RunAsync(Settings("a-key-of-32-bytes-0123456789abcd"), "migrate");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Database is up to date.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureUsable_outside_development_refuses_a_missing_key_and_makes_none()
    {
        var options = new AuthOptions();

        Assert.Throws<InvalidOperationException>(() => options.EnsureUsable(isDevelopment: false, _process.Folder));
        Assert.Null(options.SigningKey);
        Assert.False(Directory.Exists(Path.Combine(_process.Folder, "data")));
    }

    [Fact]
    public void EnsureUsable_in_development_keeps_a_configured_key()
    {
        var options = new AuthOptions { SigningKey = TestApp.SigningKey };

        options.EnsureUsable(isDevelopment: true, _process.Folder);

        Assert.Equal(TestApp.SigningKey, options.SigningKey);
        Assert.False(Directory.Exists(Path.Combine(_process.Folder, "data")));
    }

    [Theory]
    [InlineData("-1", null, "Auth:MaxTokenLifetimeHours")]
    [InlineData("24", "1.00:00:01", "Auth:TokenLifetime")]
    public async Task A_token_lifetime_beyond_the_maximum_stops_the_service_before_it_listens(string maxHours, string? lifetime, string named)
    {
        var settings = Settings(TestApp.SigningKey);
        settings["Auth__MaxTokenLifetimeHours"] = maxHours;
        settings["Auth__TokenLifetime"] = lifetime;

        var run = await _process.RunAsync(settings, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"CleanUser cannot start: {named}", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UsernameChangeCooldownDays")]
    [InlineData("ReleasedUsernameHoldDays")]
    public async Task A_negative_number_of_days_in_the_username_policy_stops_the_service_before_it_listens(string key)
    {
        var settings = Settings(TestApp.SigningKey);
        settings[$"Users__{key}"] = "-1";

        var run = await _process.RunAsync(settings, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"CleanUser cannot start: Users:{key} must be 0 (off) or a number of days.", Assert.Single(run.ErrorLines));
    }

    /// <summary>A SQLite database and a media folder in the process's folder, and the signing key <paramref name="key"/>.</summary>
    private Dictionary<string, string?> Settings(string? key) => new()
    {
        ["Auth__SigningKey"] = key,
        ["Database__Provider"] = "Sqlite",
        ["ConnectionStrings__Default"] = $"Data Source={Path.Combine(_process.Folder, "cleanuser.db")}",
        ["Media__Root"] = Path.Combine(_process.Folder, "media"),
    };

    public void Dispose() => _process.Dispose();
}
