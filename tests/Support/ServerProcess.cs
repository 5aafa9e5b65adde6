using System.Diagnostics;

namespace CleanUser.Tests.Support;

/// <summary>
/// A server a test starts as a process of its own (redis-server, s3rver, nginx), with a temporary folder: stopped by
/// its PID, and its folder deleted, on dispose.
/// </summary>
public abstract class ServerProcess(Process process, string directory) : IDisposable
{
    protected Process Process => process;

    /// <summary>Whether the process has ended (it failed to start, or was stopped).</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Stops the server (by its PID, with its children); its port then refuses connections.</summary>
    public void Stop()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        Stop();
        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
