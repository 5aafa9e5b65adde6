using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CleanUser.Topology;

/// <summary>
/// One CleanUser instance as an operator runs it: the WebApi this checkout built (<c>dotnet CleanUser.WebApi.dll</c>)
/// in a process of its own on a loopback port, configured by environment variables only (docs/deploy.md). Killed
/// and stopped by its PID.
/// </summary>
public sealed class Instance : IDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public Instance(string name, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        _environment = environment;
        Port = Tests.Support.Ports.Free();
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>The instance itself, not the proxy: for <c>/metrics</c>, which the proxy does not serve.</summary>
    public Uri Address => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>What the process printed (warnings and errors: the instances log at <c>Warning</c>).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs an operator verb (<c>migrate</c>) with <paramref name="environment"/>, as a process of its own.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerbAsync(IReadOnlyDictionary<string, string> environment, params string[] verb)
    {
        using var process = Process.Start(StartInfo(environment, verb))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Starts the process and waits until <c>/health/ready</c> answers <c>200</c>.</summary>
    public async Task StartAsync()
    {
        _process = Process.Start(StartInfo(_environment, "--urls", Address.ToString().TrimEnd('/')))!;
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && !_process.HasExited; await Task.Delay(200))
        {
            try
            {
                using var ready = await client.GetAsync(new Uri(Address, "health/ready"));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }
        }

        throw new InvalidOperationException($"Instance {Name} did not become ready on port {Port}:\n{Output}");
    }

    /// <summary><c>kill -9</c>: the process ends at once, whatever it was doing.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(); // SIGKILL
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            // The content root: appsettings.json is there, as in a published folder.
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>src/WebApi's build output of the configuration these tests were built in.</summary>
    private static string Dll
    {
        get
        {
            var tests = new DirectoryInfo(AppContext.BaseDirectory); // tests/Topology/bin/<configuration>/net10.0/
            var configuration = tests.Parent!.Name;
            var repository = tests.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(repository, "src", "WebApi", "bin", configuration, tests.Name, "CleanUser.WebApi.dll");
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Append('[').Append(Name).Append("] ").AppendLine(line);
            }
        }
    }
}
