using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using CleanUser.Tests.Support;

namespace CleanUser.Topology;

/// <summary>
/// Debian's nginx, load-balancing <see cref="Instance"/>s round-robin with <c>nginx.conf</c> (the configuration
/// docs/deploy.md shows), on a free loopback port in the foreground, and stopped by its PID.
/// </summary>
public sealed class Nginx : ServerProcess
{
    private readonly Task<string> _errors;

    private Nginx(Process process, string prefix, int port)
        : base(process, prefix)
    {
        _errors = process.StandardError.ReadToEndAsync();
        Address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public Uri Address { get; }

    /// <summary>What nginx logged (errors and warnings), once it has stopped.</summary>
    public Task<string> Errors => _errors;

    /// <summary>The instance that answered <paramref name="response"/> (nginx's <c>X-Upstream</c>).</summary>
    public static string Upstream(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues("X-Upstream", out var values) ? string.Join(",", values) : string.Empty;
    }

    public static async Task<Nginx> StartAsync(IEnumerable<Instance> instances)
    {
        var prefix = Path.Combine(Path.GetTempPath(), "cleanuser-tests", "nginx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(prefix);
        var port = Ports.Free();
        var servers = string.Join("\n        ", instances.Select(i =>
            $"server 127.0.0.1:{i.Port.ToString(CultureInfo.InvariantCulture)} max_fails=1 fail_timeout=5s;"));
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "nginx.conf"));
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, template
            .Replace("@PREFIX@", prefix, StringComparison.Ordinal)
            .Replace("@LISTEN@", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal)
            .Replace("@SERVERS@", servers, StringComparison.Ordinal));

        var start = new ProcessStartInfo(Find())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[] { "-p", prefix + "/", "-c", config, "-e", "stderr" })
        {
            start.ArgumentList.Add(argument);
        }

        var nginx = new Nginx(Process.Start(start)!, prefix, port);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline && !nginx.HasExited; await Task.Delay(100))
        {
            try
            {
                using var live = await client.GetAsync(new Uri(nginx.Address, "health/live"));
                if (live.IsSuccessStatusCode)
                {
                    return nginx;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        nginx.Dispose();
        throw new InvalidOperationException($"nginx did not start on port {port}: {await nginx.Errors}");
    }

    /// <summary>A client of the proxy, with <paramref name="token"/> as its bearer token when given.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static string Find() =>
        new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is not installed (apt-get install nginx; tests/Topology/run.sh does).");
}
