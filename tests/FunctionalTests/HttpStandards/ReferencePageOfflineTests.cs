using System.Diagnostics;
using System.Text.RegularExpressions;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>Runs only where Chromium is installed (CI installs it: <c>apt-get install chromium</c>); elsewhere it is reported as skipped.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium))
        {
            Skip = $"{Chromium} is not installed (apt-get install chromium); .ci/run installs it.";
        }
    }
}

/// <summary>
/// Issue 4, acceptance 7, checked the way a person would: a real headless browser opens the reference page from
/// the running app with every other host unresolvable, the page renders the API, and the browser's network log
/// shows the page asked nothing of any host but the app.
/// </summary>
public sealed partial class ReferencePageOfflineTests : IDisposable
{
    private readonly TestApp _app = TestApp.With(new TestAppOptions { RealSocket = true });
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "cleanuser-chromium-" + Guid.NewGuid().ToString("N"));

    [ChromiumFact]
    public async Task The_reference_page_renders_offline_and_loads_nothing_from_another_host()
    {
        var address = _app.Address.ToString();
        Directory.CreateDirectory(_scratch);
        var netLog = Path.Combine(_scratch, "net.json");

        var dom = await RunChromiumAsync(new Uri(new Uri(address), "/docs/v1"), netLog);

        // Rendered by the page's own script from the app's OpenAPI document.
        Assert.Contains("Patch your own profile", dom, StringComparison.Ordinal);
        var origin = new Uri(address).Authority;
        var foreign = NetLogUrl().Matches(await File.ReadAllTextAsync(netLog))
            .Select(m => new Uri(m.Groups["url"].Value))
            .Where(u => u.Scheme is "http" or "https" && u.Authority != origin && !IsBrowserHousekeeping(u.Host))
            .Select(u => u.ToString())
            .Distinct()
            .ToList();
        Assert.Empty(foreign);
    }

    /// <summary>Chromium's own account and update pings, sent whatever page is open; not the page's doing.</summary>
    private static bool IsBrowserHousekeeping(string host) =>
        host.EndsWith(".google.com", StringComparison.Ordinal) || host.EndsWith(".googleapis.com", StringComparison.Ordinal);

    private async Task<string> RunChromiumAsync(Uri page, string netLog)
    {
        var start = new ProcessStartInfo(ChromiumFactAttribute.Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={Path.Combine(_scratch, "profile")}", $"--log-net-log={netLog}",
                     // Offline for everything but the app: any other host fails to resolve.
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                     "--virtual-time-budget=15000", "--dump-dom", page.ToString(),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var chromium = Process.Start(start)!;
        var output = chromium.StandardOutput.ReadToEndAsync();
        var errors = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await chromium.WaitForExitAsync(timeout.Token);
        Assert.True(chromium.ExitCode == 0, $"chromium exited with {chromium.ExitCode}: {await errors}");
        return await output;
    }

    [GeneratedRegex("\"url\":\"(?<url>[^\"]+)\"")]
    private static partial Regex NetLogUrl();

    public void Dispose()
    {
        _app.Dispose();
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
