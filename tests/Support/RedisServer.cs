using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CleanUser.Tests.Support;

/// <summary>
/// A real Redis for the shared rate-limit store's tests: Debian's <c>redis-server</c>, started on a free loopback port
/// with no persistence (<c>--save ''</c>) in a temporary folder, and stopped by its PID. Where <c>redis-server</c> is
/// missing the tests are skipped, saying why — unless <c>CLEANUSER_TEST_REDIS</c> is set (as <c>.ci/run</c> does, after
/// installing it): then they run, and fail when the server cannot start (docs/testing.md#redis).
/// </summary>
public sealed class RedisServer : ServerProcess
{
    public const string Variable = "CLEANUSER_TEST_REDIS";

    private RedisServer(Process process, string directory, int port)
        : base(process, directory)
    {
        Port = port;
    }

    /// <summary>Why the Redis tests cannot run here, or null when they can (or must).</summary>
    public static string? WhyNot =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } || FindServer() is not null ? null
            : $"redis-server is not on the PATH: apt-get install redis-server, or set {Variable} to require it.";

    public int Port { get; }

    /// <summary><c>ConnectionStrings:Redis</c> for an app using this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts a server; fails the test when it does not accept connections within 10 s.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cleanuser-tests", "redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = Ports.Free();
        var start = new ProcessStartInfo(FindServer() ?? "redis-server")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", directory, "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var server = new RedisServer(process, directory, port);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline && !process.HasExited; await Task.Delay(50))
        {
            if (await server.AnswersAsync())
            {
                return server;
            }
        }

        server.Dispose();
        throw new InvalidOperationException($"redis-server did not start on port {port}: {await output}");
    }

    /// <summary>Whether the server answers <c>PING</c> with <c>+PONG</c>.</summary>
    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? FindServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
        .Append("/usr/bin").Append("/usr/sbin")
        .Select(directory => Path.Combine(directory, "redis-server"))
        .FirstOrDefault(File.Exists);
}

/// <summary>A test against a real Redis: skipped where <see cref="RedisServer.WhyNot"/> says why.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.WhyNot is { } reason)
        {
            Skip = reason;
        }
    }
}
