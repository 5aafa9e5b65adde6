using Microsoft.Data.Sqlite;

namespace CleanUser.Infrastructure.Persistence.Providers;

/// <summary>
/// Syncs a SQLite file's write-ahead log for every commit of this process that waits for it, one sync for all the
/// commits made before it began: group commit (docs/adr/0027-group-sync.md). This process's connections commit with
/// <c>synchronous=NORMAL</c>, which writes a commit to the log without syncing it; a writer then waits here before
/// anything acts on its commit. One sync at a time runs, on a thread-pool thread; the commits made while it runs wait
/// for the next, which then covers them all.
/// </summary>
internal sealed class WalSync(string databasePath)
{
    /// <summary>SQLITE_IOERR: what SQLite answers when its own sync fails, so a failed sync is the same 503.</summary>
    private const int IoError = 10;

    private readonly string _walPath = databasePath + "-wal";
    private readonly Lock _lock = new();
    private long _turnsEnded;
    private long _synced;
    private long _syncs;

    /// <summary>The sync running now (null when none) and the count of ended turns it covers.</summary>
    private TaskCompletionSource? _running;
    private long _runningCovers;

    /// <summary>The waiters for the next sync, which begins once the running one ends.</summary>
    private TaskCompletionSource? _next;

    /// <summary>How many syncs have completed: set against the commits, how well they group.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>
    /// Counts a turn at writing as ended: whatever it committed is in the log (or it committed nothing). Called inside
    /// the turn, before the next one can begin, so the count orders the commits.
    /// </summary>
    public void TurnEnded() => Interlocked.Increment(ref _turnsEnded);

    /// <summary>
    /// Completes once every commit of a turn that ended before this call is on disk: at once when a sync has covered it
    /// already, with the running sync when that one began after it, else with the next sync.
    /// </summary>
    public Task WhenSyncedAsync()
    {
        var target = Interlocked.Read(ref _turnsEnded);
        lock (_lock)
        {
            if (_synced >= target)
            {
                return Task.CompletedTask;
            }

            if (_running is not null && _runningCovers >= target)
            {
                return _running.Task;
            }

            if (_next is null)
            {
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_running is null)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static sync => sync.SyncWhileWaited(), this, preferLocal: false);
                }
            }

            return _next.Task;
        }
    }

    /// <summary>Syncs for the waiters gathered so far, again while more gathered during the sync, then stops.</summary>
    private void SyncWhileWaited()
    {
        while (true)
        {
            TaskCompletionSource waiters;
            lock (_lock)
            {
                if (_next is null)
                {
                    _running = null;
                    return;
                }

                (waiters, _next, _running) = (_next, null, _next);
                // Read after the waiters' targets: every one of them is at most this.
                _runningCovers = Interlocked.Read(ref _turnsEnded);
            }

            try
            {
                Sync();
            }
#pragma warning disable CA1031 // Whatever failed goes to the waiters: thrown here, on a thread-pool thread, it would end the process.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                waiters.SetException(new SqliteException($"Syncing the write-ahead log to disk failed: {exception.Message}", IoError));
                continue;
            }

            lock (_lock)
            {
                _synced = Math.Max(_synced, _runningCovers);
                Interlocked.Increment(ref _syncs);
            }

            waiters.SetResult();
        }
    }

    /// <summary>
    /// <c>fsync</c> of the log. No log means SQLite checkpointed it into the database file, synced that, and deleted it
    /// when its last connection closed: nothing is left to sync.
    /// </summary>
    private void Sync()
    {
        FileStream log;
        try
        {
            log = new FileStream(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            return;
        }

        using (log)
        {
            log.Flush(flushToDisk: true);
        }
    }
}
