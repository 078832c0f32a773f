using System.Diagnostics;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Zhifu.Data;

/// <summary>
/// How a SQLite connection waits for the write lock another connection holds (the ledger's commits, EF's writes: WAL lets one
/// writer at a time). SQLite's own busy handler (<c>busy_timeout</c>) sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries, so a
/// writer that meets a commit of a fraction of a millisecond sleeps for milliseconds while the cores idle. Spinning instead
/// (yielding the processor until the lock is free) burnt about a tenth of the CPU of a payment under load and still fell back
/// to sleeping (bench merchant: some 120 tries and 3 sleeps a payment). So every connection of the process is told when the
/// lock is released: <see cref="SignalCommits"/> sets SQLite's WAL hook, which runs right after a commit has released the
/// write lock, and a waiting writer (<see cref="Install"/>'s busy handler) blocks until the next such signal — at most 1 ms,
/// for releases no hook reports (a rollback, another process) — and tries again, until <c>timeoutMs</c> has passed
/// (SQLITE_BUSY). SQLitePCLRaw wraps neither <c>sqlite3_busy_handler</c> nor <c>sqlite3_wal_hook</c>, so they are called in
/// the same e_sqlite3 library directly; where that fails, SQLite's own <c>busy_timeout</c> and checkpointing are kept.
/// </summary>
internal static partial class SqliteBusyWait
{
    /// <summary>SQLite's default WAL size, in pages, that makes a commit checkpoint (<c>wal_autocheckpoint</c>).</summary>
    public const int DefaultCheckpointPages = 1_000;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyHandler(IntPtr timeoutMs, int tries);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int WalHook(IntPtr checkpointPages, IntPtr db, IntPtr schema, int pages);

    private static readonly BusyHandler Handler = OnBusy; // rooted: native code holds pointers to both
    private static readonly IntPtr HandlerPointer = Marshal.GetFunctionPointerForDelegate(Handler);
    private static readonly WalHook Hook = OnCommit;
    private static readonly IntPtr HookPointer = Marshal.GetFunctionPointerForDelegate(Hook);
    private static readonly object Released = new(); // Monitor.Wait needs a monitor, not a Lock
    private static bool _unavailable;
    private static long _tries;
    private static long _commits;

    [ThreadStatic] private static long t_waitStarted;
    [ThreadStatic] private static long t_commitsSeen;
    [ThreadStatic] private static int t_lastTries;

    /// <summary>Tries this handler has answered since the process started (a waiting connection's count; diagnostics).</summary>
    public static long Tries => Interlocked.Read(ref _tries);

    /// <summary>Commits signalled since the process started (diagnostics).</summary>
    public static long Commits => Interlocked.Read(ref _commits);

    /// <summary>Installs the handler on <paramref name="db"/>, or SQLite's busy_timeout where it cannot be.</summary>
    public static void Install(sqlite3 db, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!Volatile.Read(ref _unavailable))
        {
            try
            {
                if (SetBusyHandler(db.DangerousGetHandle(), HandlerPointer, timeoutMs) == raw.SQLITE_OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref _unavailable, true);
            }
        }
        raw.sqlite3_busy_timeout(db, timeoutMs);
    }

    /// <summary>
    /// Makes <paramref name="db"/>'s commits wake the writers waiting in <see cref="Install"/>'s handler. The WAL hook is also
    /// how SQLite checkpoints (<c>wal_autocheckpoint</c>, which sets its own hook and so must not be set after this), so the
    /// hook checkpoints as SQLite's own does: passively, once the WAL holds <paramref name="checkpointPages"/> pages (none
    /// when it is 0 or less, as <c>wal_autocheckpoint</c>). Where the hook cannot be set, SQLite's own checkpointing is set
    /// to the same size instead.
    /// </summary>
    public static void SignalCommits(sqlite3 db, int checkpointPages)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!Volatile.Read(ref _unavailable))
        {
            try
            {
                SetWalHook(db.DangerousGetHandle(), HookPointer, checkpointPages);
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref _unavailable, true);
            }
        }
        raw.sqlite3_wal_autocheckpoint(db, checkpointPages);
    }

    /// <summary>SQLite calls this while the lock is held elsewhere: non-zero tries again, zero answers SQLITE_BUSY.</summary>
    private static int OnBusy(IntPtr timeoutMs, int tries)
    {
        Interlocked.Increment(ref _tries);
        // A wait's tries count up from 0 by one a call; anything else (a count SQLite did not reset for a statement's prepare)
        // starts a new wait too, so no earlier wait's start time is taken for this one's.
        var fresh = tries == 0 || tries != t_lastTries + 1;
        t_lastTries = tries;
        if (fresh)
        {
            // A commit between SQLite's failed try and this call would not wake the wait below: note the count now and try
            // once more at once; a commit after this point moves the count, and the wait does not start.
            (t_waitStarted, t_commitsSeen) = (Stopwatch.GetTimestamp(), Interlocked.Read(ref _commits));
            Thread.Yield();
            return 1;
        }
        if (Stopwatch.GetElapsedTime(t_waitStarted).TotalMilliseconds >= (long)timeoutMs)
        {
            return 0;
        }
        lock (Released)
        {
            if (_commits == t_commitsSeen)
            {
                Monitor.Wait(Released, 1);
            }
            t_commitsSeen = _commits;
        }
        return 1;
    }

    /// <summary>SQLite calls this after a commit, with the write lock released and the WAL's size in pages.</summary>
    private static int OnCommit(IntPtr checkpointPages, IntPtr db, IntPtr schema, int pages)
    {
        lock (Released)
        {
            _commits++;
            Monitor.PulseAll(Released);
        }
        if ((int)checkpointPages > 0 && pages >= (int)checkpointPages)
        {
            Checkpoint(db, schema); // as SQLite's own hook: a checkpoint that cannot finish now is done by a later commit
        }
        return raw.SQLITE_OK; // anything else would fail the statement that committed, though its commit stands
    }

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_busy_handler")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int SetBusyHandler(IntPtr db, IntPtr handler, IntPtr argument);

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_wal_hook")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial IntPtr SetWalHook(IntPtr db, IntPtr hook, IntPtr argument);

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_wal_checkpoint")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int Checkpoint(IntPtr db, IntPtr schema);
}
