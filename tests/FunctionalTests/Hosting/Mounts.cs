using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// File systems that really fill up or refuse writes, for the failures no setting can fake: a small tmpfs, and a
/// read-only bind mount over one file. Mounting needs root (CI runs as root); elsewhere the tests that need it are
/// skipped, saying why (<see cref="MountFactAttribute"/>).
/// </summary>
internal static class Mounts
{
    private static readonly Lazy<string?> Refusal = new(FindRefusal);

    /// <summary>Why this process cannot mount, or null when it can (found once, by mounting a tiny tmpfs).</summary>
    public static string? WhyNot => Refusal.Value;

    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(arguments[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()}");
        }
    }

    /// <summary>
    /// Detaches the mount at once (<c>umount --lazy</c>): SQLite's pool may still hold a file on it, and nothing may
    /// be left mounted when a test fails.
    /// </summary>
    public static void Unmount(string path)
    {
        SqliteConnection.ClearAllPools();
        Run("umount", "--lazy", path);
    }

    private static string? FindRefusal()
    {
        try
        {
            using var volume = TmpfsVolume.Mount(64 * 1024);
            return null;
        }
#pragma warning disable CA1031 // Whatever stops the mount, the reason is the skip message.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return "Needs a process that may mount file systems (root, as in CI): " + exception.Message;
        }
    }
}

/// <summary>A test that mounts file systems: it runs where the process may mount (root, as in CI), else it is skipped.</summary>
internal sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (Mounts.WhyNot is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A tmpfs of a given size in a folder of its own, which a test can fill up; unmounted and removed on dispose.</summary>
internal sealed class TmpfsVolume : IDisposable
{
    private TmpfsVolume(string path) => Path = path;

    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    public static TmpfsVolume Mount(long bytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cleanuser-tests", "volume-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        try
        {
            Mounts.Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        }
        catch
        {
            Directory.Delete(path);
            throw;
        }

        return new TmpfsVolume(path);
    }

    /// <summary>Writes one file until the volume has no byte left.</summary>
    public void Fill()
    {
        using var filler = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var chunk in new[] { new byte[64 * 1024], new byte[1] })
        {
            try
            {
                while (true)
                {
                    filler.Write(chunk);
                }
            }
            catch (IOException)
            {
                // This size no longer fits; the last round writes single bytes until none does.
            }
        }
    }

    /// <summary>Gives the space back.</summary>
    public void Empty() => File.Delete(Filler);

    public void Dispose()
    {
        Mounts.Unmount(Path);
        Directory.Delete(Path);
    }
}

/// <summary>One file made read-only for this process, root included: a read-only bind mount over itself.</summary>
internal sealed class ReadOnlyFile : IDisposable
{
    private readonly string _path;

    private ReadOnlyFile(string path) => _path = path;

    public static ReadOnlyFile Over(string path)
    {
        Mounts.Run("mount", "--bind", path, path);
        var file = new ReadOnlyFile(path);
        try
        {
            Mounts.Run("mount", "-o", "remount,bind,ro", path);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }

    public void Dispose() => Mounts.Unmount(_path);
}
