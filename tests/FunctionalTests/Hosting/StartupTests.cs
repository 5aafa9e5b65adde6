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
    public void EnsureUsable_outside_development_refuses_a_missing_key()
    {
        var options = new AuthOptions();

        Assert.Throws<InvalidOperationException>(() => options.EnsureUsable(isDevelopment: false));
        Assert.Null(options.SigningKey);
    }

    [Fact]
    public void EnsureUsable_in_development_fills_in_the_development_key()
    {
        var options = new AuthOptions();

        options.EnsureUsable(isDevelopment: true);

        Assert.Equal(AuthOptions.DevelopmentSigningKey, options.SigningKey);
        Assert.True(options.SigningKeyBytes().Length >= AuthOptions.MinimumKeyBytes);
    }

    [Fact]
    public void EnsureUsable_in_development_keeps_a_configured_key()
    {
        var options = new AuthOptions { SigningKey = TestApp.SigningKey };

        options.EnsureUsable(isDevelopment: true);

        Assert.Equal(TestApp.SigningKey, options.SigningKey);
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
