using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// Gives memory back to the machine once a burst is over (docs/operations.md#memory, docs/adr/0022-memory.md). The
/// garbage collector returns freed pages only while it collects, and collects only while the process allocates: after
/// a burst of large bodies and images an idle service would keep a gigabyte it no longer uses. Every
/// <see cref="MemoryOptions.CheckSeconds"/> this looks at what the collector holds; above
/// <see cref="MemoryOptions.TrimAboveMiB"/> it runs one aggressive, compacting collection (large objects included),
/// which releases what is free, and asks the C allocator to release the pages SkiaSharp's decoders freed.
/// </summary>
internal sealed partial class MemoryTrimmer(IOptions<MemoryOptions> options, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.TrimAboveMiB <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CheckSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            if (committed <= settings.TrimAboveMiB * 1024L * 1024)
            {
                continue;
            }

            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            if (OperatingSystem.IsLinux())
            {
                TrimNativeHeap();
            }

            Log.Trimmed(logger, committed / (1024 * 1024), GC.GetGCMemoryInfo().TotalCommittedBytes / (1024 * 1024));
        }
    }

    /// <summary>glibc keeps freed blocks in its arenas; <c>malloc_trim</c> hands the free pages back. Absent elsewhere (musl).</summary>
    private static void TrimNativeHeap()
    {
        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
        }
        catch (DllNotFoundException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Debug, "Memory trimmed: the collector held {BeforeMiB} MiB, now {AfterMiB} MiB")]
        public static partial void Trimmed(ILogger logger, long beforeMiB, long afterMiB);
    }
}

/// <summary><c>Memory:</c> settings (docs/operations.md#memory).</summary>
public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>Trim when the collector holds more than this; 0 turns trimming off.</summary>
    public int TrimAboveMiB { get; set; } = 128;

    public int CheckSeconds { get; set; } = 5;
}
