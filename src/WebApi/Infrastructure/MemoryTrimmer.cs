using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// Gives memory back to the machine once a burst is over (docs/operations.md#memory, docs/adr/0022-memory.md). The
/// garbage collector returns freed pages only while it collects, and collects only while the process allocates: after
/// a burst of large bodies and images an idle service would keep a gigabyte it no longer uses. Every
/// <see cref="MemoryOptions.CheckSeconds"/> this looks at the process's resident memory; above
/// <see cref="MemoryOptions.TrimAboveMiB"/>, and grown since the last trim, 30 s after it, or as soon as a burst is over (the
/// first check that sees next to no allocation after one that saw some), it runs one aggressive, compacting
/// collection (large objects included), which releases what is free, and asks the C allocator to release the pages
/// SkiaSharp's decoders and SQLite freed.
/// </summary>
internal sealed partial class MemoryTrimmer(IOptions<MemoryOptions> options, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    /// <summary>
    /// Above the threshold, a process is trimmed again once it has grown by this since the last trim, or after
    /// <see cref="RetrimAfter"/> (what a burst's last requests freed); not at every check when its floor is simply high.
    /// </summary>
    private const long GrowthBeforeNextTrim = 16 * 1024 * 1024;

    private static readonly TimeSpan RetrimAfter = TimeSpan.FromSeconds(30);

    /// <summary>Managed allocation between two checks below which the process counts as quiet (background work only).</summary>
    private const long QuietBelow = 1024 * 1024;

    /// <summary><c>M_MMAP_THRESHOLD</c> and <c>M_ARENA_MAX</c> of glibc's <c>malloc.h</c>.</summary>
    private const int MmapThreshold = -3;
    private const int ArenaMax = -8;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.TrimAboveMiB <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CheckSeconds));
        var threshold = settings.TrimAboveMiB * 1024L * 1024;
        var floor = 0L;
        var lastTrim = DateTime.MinValue;
        var allocated = GC.GetTotalAllocatedBytes();
        var wasQuiet = true;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            // Resident memory, not the collector's alone: most of what a burst leaves behind is native (decoders, the C heap).
            var resident = Environment.WorkingSet;
            floor = Math.Min(floor, resident);
            // The first quiet check after a busy one: the burst is over, and what it left can go now, not 30 s later.
            var allocatedNow = GC.GetTotalAllocatedBytes();
            var quiet = allocatedNow - allocated < QuietBelow;
            var burstOver = quiet && !wasQuiet;
            (allocated, wasQuiet) = (allocatedNow, quiet);
            if (resident <= threshold ||
                (!burstOver && resident <= floor + GrowthBeforeNextTrim && DateTime.UtcNow - lastTrim < RetrimAfter))
            {
                continue;
            }

            // Objects with finalizers (native handles) are only queued by a collection; they are freed by the next one.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            if (OperatingSystem.IsLinux())
            {
                TrimNativeHeap();
            }

            floor = Environment.WorkingSet;
            lastTrim = DateTime.UtcNow;
            Log.Trimmed(logger, resident / (1024 * 1024), floor / (1024 * 1024));
        }
    }

    /// <summary>
    /// Sets glibc's allocator up before the service allocates much (docs/adr/0022-memory.md): every block of 128 KiB or
    /// more gets pages of its own, handed back to the system as soon as it is freed — a decoded bitmap or a large body
    /// no longer stays behind in an arena (glibc otherwise raises this threshold towards 32 MiB each time it frees such
    /// a block) — and at most two arenas, so freed memory is not spread over an arena per busy thread.
    /// <c>MALLOC_MMAP_THRESHOLD_</c> or <c>MALLOC_ARENA_MAX</c> in the environment wins. Not glibc: nothing happens.
    /// </summary>
    public static void ConfigureNativeAllocator()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null)
            {
                _ = MallOpt(MmapThreshold, 128 * 1024);
            }

            if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null)
            {
                _ = MallOpt(ArenaMax, 2);
            }
        }
        catch (EntryPointNotFoundException)
        {
        }
        catch (DllNotFoundException)
        {
        }
    }

    /// <summary>
    /// glibc keeps freed blocks in its arenas; <c>malloc_trim</c> hands the free pages back. By its soname: plain "libc"
    /// finds no library (<c>libc.so</c> is a linker script, when it is there at all). Absent elsewhere (musl): skipped.
    /// </summary>
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

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Debug, "Memory trimmed: {BeforeMiB} MiB resident, now {AfterMiB} MiB")]
        public static partial void Trimmed(ILogger logger, long beforeMiB, long afterMiB);
    }
}

/// <summary><c>Memory:</c> settings (docs/operations.md#memory).</summary>
public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>Trim when the process's resident memory is above this; 0 turns trimming off.</summary>
    public int TrimAboveMiB { get; set; } = 192;

    public int CheckSeconds { get; set; } = 5;
}
