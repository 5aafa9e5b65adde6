using System.Diagnostics;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// The built app (<c>dotnet CleanUser.WebApi.dll …</c>) started as an operator would start it: in Production, with
/// the test signing key and <c>AllowedHosts</c>, in a folder of its own, and with none of the test run's own settings inherited — for what
/// only the real process shows (its exit code and what it prints when it cannot start).
/// </summary>
internal sealed class AppProcess : IDisposable
{
    public AppProcess() => Directory.CreateDirectory(Folder);

    /// <summary>The working directory; deleted on dispose.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "cleanuser-process-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Runs the app with <paramref name="args"/> and these environment settings (<c>Section__Key</c>; a null value
    /// removes the setting, the signing key included) until it exits, for at most a minute.
    /// </summary>
    public async Task<AppRun> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CleanUser.WebApi.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(IsAppSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Auth__SigningKey"] = TestApp.SigningKey;
        // Production needs the host names it answers to (or Media:PublicBaseUrl) to build image URLs.
        start.Environment["AllowedHosts"] = "localhost;127.0.0.1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The app did not stop within 60 s. stderr: {await error}");
        }

        return new AppRun(process.ExitCode, await output, await error);
    }

    private static bool IsAppSetting(string key) =>
        key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase) ||
        key.Contains("__", StringComparison.Ordinal) || key.StartsWith("CLEANUSER_", StringComparison.OrdinalIgnoreCase);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>How one run of the app ended.</summary>
internal sealed record AppRun(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
