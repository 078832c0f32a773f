namespace Zhifu.Server.Accounts;

/// <summary>
/// One risk decision per payer at a time in this server process (RISK-2): a payment is decided and counted — from the risk
/// check to the velocity windows learning it — before another payment, top-up, transfer or withdrawal of the same payer is
/// decided, so a payer's requests sent at once cannot all pass a rule that counts them ("20 payments in 10 minutes"). The windows are
/// the process's own (in memory), so a turn in the process is what keeps them exact; transfers and withdrawals take their
/// turn inside their claim on the payer's row (<see cref="PayerClaims"/>), which also serialises them across servers for the
/// day totals. A payment's password is checked before its turn and the turn lasts its in-memory decision and count, so the
/// slow hash holds nobody up (a top-up's too); a withdrawal is decided and sent inside its claim (password and bank call
/// included), and a payment of the same payer waits for that.
/// </summary>
public sealed class PayerTurns(TimeSpan waitMax)
{
    /// <summary>How long a decision waits for the one before it; then the caller asks the payer to try again.</summary>
    public static readonly TimeSpan DefaultWaitMax = TimeSpan.FromSeconds(10);

    public PayerTurns() : this(DefaultWaitMax)
    {
    }

    /// <summary>Payers with a decision under way or waiting, and how many requests use each gate (removed at zero: the map
    /// holds no more entries than requests in flight).</summary>
    private readonly Dictionary<Guid, Gate> _gates = [];

    /// <summary>Payers with a decision under way or waiting (diagnostics, tests).</summary>
    public int Busy
    {
        get
        {
            lock (_gates)
            {
                return _gates.Count;
            }
        }
    }

    private sealed class Gate
    {
        public readonly SemaphoreSlim Turn = new(1, 1);
        public int Users;
    }

    /// <summary>The payer's turn, given back when disposed; null when the decision before it took longer than the wait.</summary>
    public async Task<IDisposable?> TakeAsync(Guid payerId, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(payerId, out gate!))
            {
                _gates[payerId] = gate = new Gate();
            }
            gate.Users++;
        }
        var entered = false;
        try
        {
            entered = await gate.Turn.WaitAsync(waitMax, cancellationToken);
        }
        finally
        {
            if (!entered)
            {
                Leave(payerId, gate);
            }
        }
        return entered ? new Held(this, payerId, gate) : null;
    }

    private void Leave(Guid payerId, Gate gate)
    {
        lock (_gates)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(payerId);
            }
        }
    }

    private sealed class Held(PayerTurns turns, Guid payerId, Gate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Turn.Release();
                turns.Leave(payerId, gate);
            }
        }
    }
}
