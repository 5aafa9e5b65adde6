using System.Diagnostics;
using System.Net;
using System.Xml.Linq;

namespace CleanUser.Tests.Support;

/// <summary>
/// A real S3-compatible server for the S3 media store tests: the npm package <c>s3rver</c> (pinned in
/// <c>tests/s3rver</c>), started with node on a free loopback port over a temporary folder, and stopped by its PID.
/// Where node or <c>tests/s3rver/node_modules</c> is missing the tests are skipped, saying why — unless
/// <c>CLEANUSER_TEST_S3</c> is set (as <c>.ci/run</c> does, after <c>npm ci</c>): then they run, and fail when the
/// server cannot start (docs/testing.md#s3).
/// </summary>
public sealed class S3Server : ServerProcess
{
    public const string Variable = "CLEANUSER_TEST_S3";

    /// <summary>s3rver's built-in account.</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly string Folder = FindFolder();

    private readonly HttpClient _http = new();
    private readonly List<string> _requests = [];

    private S3Server(Process process, string directory, Uri serviceUrl)
        : base(process, directory)
    {
        ServiceUrl = serviceUrl;
    }

    /// <summary>Why the S3 tests cannot run here, or null when they can (or must).</summary>
    public static string? WhyNot =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } ? null
        : !File.Exists(Path.Combine(Folder, "node_modules", "s3rver", "package.json"))
            ? $"s3rver is not installed: run npm ci in tests/s3rver, or set {Variable} to require it (docs/testing.md#s3)."
        : FindNode() is null ? $"node is not on the PATH (set {Variable} to require it)." : null;

    /// <summary>The server's endpoint, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri ServiceUrl { get; }

    /// <summary>
    /// With <c>logRequests</c> on: every request answered so far, as <c>METHOD /bucket/key status</c>, in order.
    /// </summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>
    /// Starts a server; fails the test when it does not say it listens within 30 s. <paramref name="logRequests"/>
    /// keeps a line per request in <see cref="Requests"/>.
    /// </summary>
    public static async Task<S3Server> StartAsync(bool logRequests = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "cleanuser-tests", "s3-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo(FindNode() ?? "node")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("start.js");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add(directory);
        if (logRequests)
        {
            start.ArgumentList.Add("--log-requests");
        }

        var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line?.Split(' ') is not ["listening", var port])
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException($"s3rver did not start (tests/s3rver/start.js): {line} {await error}");
        }

        var server = new S3Server(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        _ = server.ReadRequestsAsync(); // also drains the output, so the server never blocks on a full pipe
        return server;
    }

    /// <summary>A new, empty bucket, made with an anonymous PUT (s3rver lets those through).</summary>
    public async Task<string> CreateBucketAsync()
    {
        var bucket = "media-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await _http.PutAsync(new Uri(ServiceUrl, bucket), content: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return bucket;
    }

    /// <summary>The keys of every object in <paramref name="bucket"/>, from an anonymous listing.</summary>
    public async Task<SortedSet<string>> KeysAsync(string bucket)
    {
        var listing = XDocument.Parse(await _http.GetStringAsync(new Uri(ServiceUrl, bucket)));
        return new(listing.Descendants().Where(e => e.Name.LocalName == "Key").Select(e => e.Value), StringComparer.Ordinal);
    }

    /// <summary>The settings of an app that stores its images in <paramref name="bucket"/>, with the bucket's URL as the public base.</summary>
    public Dictionary<string, string> Settings(string bucket) => new()
    {
        ["Media:Provider"] = "S3",
        ["Media:S3:ServiceUrl"] = ServiceUrl.ToString(),
        ["Media:S3:Bucket"] = bucket,
        ["Media:S3:AccessKey"] = AccessKey,
        ["Media:S3:SecretKey"] = SecretKey,
        ["Media:PublicBaseUrl"] = PublicBaseUrl(bucket).ToString(),
    };

    /// <summary>Where clients read the bucket's objects: path style, <c>http://127.0.0.1:&lt;port&gt;/&lt;bucket&gt;/</c>.</summary>
    public Uri PublicBaseUrl(string bucket) => new(ServiceUrl, bucket + "/");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _http.Dispose();
        }
    }

    private async Task ReadRequestsAsync()
    {
        try
        {
            while (await Process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("request ", StringComparison.Ordinal))
                {
                    lock (_requests)
                    {
                        _requests.Add(line["request ".Length..]);
                    }
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // Stopped and disposed: nothing more to read.
        }
    }

    private static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
        .Select(directory => Path.Combine(directory, "node"))
        .FirstOrDefault(File.Exists);

    /// <summary><c>tests/s3rver</c>, found upwards from the test assembly.</summary>
    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "s3rver");
            if (File.Exists(Path.Combine(candidate, "start.js")))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "tests", "s3rver");
    }
}

/// <summary>A test against a real S3-compatible server: skipped where <see cref="S3Server.WhyNot"/> says why.</summary>
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (S3Server.WhyNot is { } reason)
        {
            Skip = reason;
        }
    }
}
