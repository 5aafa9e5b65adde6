using CleanUser.Infrastructure.Identity;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// In Development without <c>Auth:SigningKey</c>, the service makes a random key for its data folder on the first
/// start, keeps it there (owner-only where the OS has Unix permissions) and uses it on every later start — the server
/// and the operator verbs alike — and never prints it (docs/api.md#configuration).
/// </summary>
public sealed class DevelopmentSigningKeyTests : IDisposable
{
    private readonly AppProcess _process = new();

    private string KeyFile => Path.Combine(_process.Folder, DevelopmentSigningKey.RelativePath);

    [Fact]
    public async Task The_token_verb_signs_with_the_key_of_the_data_folder_made_on_first_run_and_reused_after()
    {
        var first = await RunTokenVerbAsync();
        var key = await File.ReadAllTextAsync(KeyFile);
        var second = await RunTokenVerbAsync();

        Assert.True(Jwt.IsSignedWith(first.Output.Trim(), key));
        Assert.True(Jwt.IsSignedWith(second.Output.Trim(), key));
        Assert.Equal(key, await File.ReadAllTextAsync(KeyFile));
        Assert.DoesNotContain(key, first.Output + first.Error + second.Output + second.Error, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public void Each_data_folder_gets_a_random_key_of_its_own()
    {
        using var other = new AppProcess();

        var here = Develop(_process.Folder);
        var there = Develop(other.Folder);

        Assert.NotEqual(here, there);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(here) >= AuthOptions.MinimumKeyBytes);
        Assert.Equal(here, Develop(_process.Folder));
    }

    [Fact]
    public void A_key_file_too_short_to_use_is_a_start_up_error_naming_the_file()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, "tiny-key");

        var error = Assert.Throws<InvalidOperationException>(() => Develop(_process.Folder));

        Assert.Contains(KeyFile, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tiny-key", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The key a Development start over <paramref name="contentRoot"/> without a configured key signs with.</summary>
    private static string Develop(string contentRoot)
    {
        var options = new AuthOptions();
        options.EnsureUsable(isDevelopment: true, contentRoot);
        return options.SigningKey!;
    }

    private async Task<AppRun> RunTokenVerbAsync()
    {
        var run = await _process.RunAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Auth__SigningKey"] = null,
            ["ConnectionStrings__Default"] = $"Data Source={Path.Combine(_process.Folder, "cleanuser.db")}",
        }, "token", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        return run;
    }

    public void Dispose() => _process.Dispose();
}
