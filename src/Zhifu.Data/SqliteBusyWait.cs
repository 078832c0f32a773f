using System.Runtime.InteropServices;
using SQLitePCL;

namespace Zhifu.Data;

/// <summary>
/// How a SQLite connection waits for the write lock another connection holds (the ledger's commits, EF's writes: WAL lets one
/// writer at a time). SQLite's own busy handler (<c>busy_timeout</c>) sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries, so a
/// writer that meets a commit of a fraction of a millisecond sleeps for milliseconds while the cores idle — several times a
/// payment under load (bench merchant; seen as hundreds of sleeps a second). This handler first yields the processor
/// (<see cref="YieldTries"/> times), then sleeps 1 ms a try, and gives up (SQLITE_BUSY) after about
/// <paramref name="timeoutMs"/>. SQLitePCLRaw does not wrap <c>sqlite3_busy_handler</c>, so it is called in the same
/// e_sqlite3 library directly; where that fails, SQLite's own <c>busy_timeout</c> is used instead.
/// </summary>
internal static partial class SqliteBusyWait
{
    /// <summary>Tries that only yield the processor before the handler starts sleeping 1 ms a try.</summary>
    internal const int YieldTries = 64;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyHandler(IntPtr timeoutMs, int tries);

    private static readonly BusyHandler Handler = OnBusy; // rooted: native code holds a pointer to it
    private static readonly IntPtr HandlerPointer = Marshal.GetFunctionPointerForDelegate(Handler);
    private static bool _unavailable;
    private static long _tries;

    /// <summary>Tries this handler has answered since the process started (a waiting connection's count; diagnostics).</summary>
    public static long Tries => Interlocked.Read(ref _tries);

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

    /// <summary>SQLite calls this while the lock is held elsewhere: non-zero tries again, zero answers SQLITE_BUSY.</summary>
    private static int OnBusy(IntPtr timeoutMs, int tries)
    {
        Interlocked.Increment(ref _tries);
        if (tries < YieldTries)
        {
            Thread.Yield();
            return 1;
        }
        if (tries - YieldTries >= (int)timeoutMs)
        {
            return 0;
        }
        Thread.Sleep(1);
        return 1;
    }

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_busy_handler")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int SetBusyHandler(IntPtr db, IntPtr handler, IntPtr argument);
}
