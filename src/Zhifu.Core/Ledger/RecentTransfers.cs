namespace Zhifu.Core.Ledger;

/// <summary>
/// A bounded first-in-first-out memory of recent transfer outcomes, for idempotent repeats without a database
/// read. An evicted id is still protected: the database's primary key refuses it and the writer replays.
/// </summary>
internal sealed class RecentTransfers(int capacity)
{
    private readonly Dictionary<Guid, StoredTransfer> _byId = new(Math.Min(capacity, 1 << 16));
    private readonly Queue<Guid> _order = new();

    public bool TryGet(Guid id, out StoredTransfer stored) => _byId.TryGetValue(id, out stored);

    public void Add(StoredTransfer stored)
    {
        if (!_byId.TryAdd(stored.Transfer.Id, stored))
        {
            return;
        }
        _order.Enqueue(stored.Transfer.Id);
        while (_order.Count > capacity)
        {
            _byId.Remove(_order.Dequeue());
        }
    }
}
