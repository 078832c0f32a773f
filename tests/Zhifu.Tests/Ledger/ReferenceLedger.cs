using Zhifu.Core.Ledger;

namespace Zhifu.Tests.Ledger;

/// <summary>
/// A deliberately plain model of the ledger's rules, written apart from the engine, for model-based tests:
/// random operations go to both, and every outcome and final balance must agree.
/// </summary>
internal sealed class ReferenceLedger
{
    private readonly Dictionary<Guid, (AccountFlags Flags, long Dp, long Dpo, long Cp, long Cpo)> _accounts = [];
    private readonly Dictionary<Guid, (Guid Debit, Guid Credit, long Amount, PendingStatus Status)> _holds = [];
    private readonly Dictionary<Guid, (Transfer Transfer, TransferResult Result)> _seen = [];

    public IReadOnlyDictionary<Guid, (AccountFlags Flags, long Dp, long Dpo, long Cp, long Cpo)> Accounts => _accounts;

    public void AddAccount(Guid id, AccountFlags flags) => _accounts[id] = (flags, 0, 0, 0, 0);

    /// <summary>Applies one request (chains via Linked) and returns the expected results.</summary>
    public TransferResult[] Apply(IReadOnlyList<Transfer> request)
    {
        var results = new TransferResult[request.Count];
        var start = 0;
        for (var i = 0; i < request.Count; i++)
        {
            if (request[i].Flags.HasFlag(TransferFlags.Linked) && i < request.Count - 1)
            {
                continue;
            }
            if (request[i].Flags.HasFlag(TransferFlags.Linked))
            {
                for (var k = start; k <= i; k++)
                {
                    results[k] = k == i ? TransferResult.LinkedEventChainOpen : TransferResult.LinkedEventFailed;
                    Remember(request[k], results[k]);
                }
                break;
            }
            ApplyChain(request, start, i, results);
            start = i + 1;
        }
        return results;
    }

    private void ApplyChain(IReadOnlyList<Transfer> request, int from, int to, TransferResult[] results)
    {
        var accounts = new Dictionary<Guid, (AccountFlags, long, long, long, long)>(_accounts);
        var holds = new Dictionary<Guid, (Guid, Guid, long, PendingStatus)>(_holds);
        var failed = -1;
        for (var k = from; k <= to; k++)
        {
            results[k] = One(request[k]);
            if (!results[k].IsSuccess())
            {
                failed = k;
                break;
            }
        }
        if (failed >= 0 && to > from)
        {
            _accounts.Clear();
            foreach (var kv in accounts) { _accounts[kv.Key] = kv.Value; }
            _holds.Clear();
            foreach (var kv in holds) { _holds[kv.Key] = kv.Value; }
            for (var k = from; k <= to; k++)
            {
                results[k] = k == failed ? results[k] : TransferResult.LinkedEventFailed;
                Remember(request[k], results[k]);
            }
            return;
        }
        for (var k = from; k <= to; k++)
        {
            Remember(request[k], results[k]);
        }
    }

    private void Remember(Transfer t, TransferResult r)
    {
        if (r != TransferResult.Exists && r != TransferResult.ExistsWithDifferentFields && !_seen.ContainsKey(t.Id))
        {
            _seen[t.Id] = (t, r);
        }
    }

    private TransferResult One(Transfer t)
    {
        if (_seen.TryGetValue(t.Id, out var first))
        {
            return first.Transfer != t ? TransferResult.ExistsWithDifferentFields
                : first.Result == TransferResult.Ok ? TransferResult.Exists : first.Result;
        }
        if (t.Flags.HasFlag(TransferFlags.PostPending) || t.Flags.HasFlag(TransferFlags.VoidPending))
        {
            if (!_holds.TryGetValue(t.PendingId, out var hold))
            {
                return _seen.ContainsKey(t.PendingId) ? TransferResult.PendingTransferNotPending : TransferResult.PendingTransferNotFound;
            }
            if (hold.Status != PendingStatus.Open)
            {
                return hold.Status == PendingStatus.Posted ? TransferResult.PendingTransferAlreadyPosted : TransferResult.PendingTransferAlreadyVoided;
            }
            var post = t.Flags.HasFlag(TransferFlags.PostPending);
            var amount = t.AmountFen == 0 ? hold.Amount : t.AmountFen;
            if (post && amount > hold.Amount)
            {
                return TransferResult.ExceedsPendingTransferAmount;
            }
            var d = _accounts[hold.Debit];
            var c = _accounts[hold.Credit];
            _accounts[hold.Debit] = (d.Flags, d.Dp - hold.Amount, d.Dpo + (post ? amount : 0), d.Cp, d.Cpo);
            c = _accounts[hold.Credit];
            _accounts[hold.Credit] = (c.Flags, c.Dp, c.Dpo, c.Cp - hold.Amount, c.Cpo + (post ? amount : 0));
            _holds[t.PendingId] = hold with { Status = post ? PendingStatus.Posted : PendingStatus.Voided };
            return TransferResult.Ok;
        }
        if (t.AmountFen <= 0)
        {
            return TransferResult.AmountMustBePositive;
        }
        if (t.DebitAccountId == t.CreditAccountId)
        {
            return TransferResult.AccountsMustBeDifferent;
        }
        var debit = _accounts[t.DebitAccountId];
        if (debit.Flags.HasFlag(AccountFlags.DebitsMustNotExceedCredits) && debit.Dp + debit.Dpo + t.AmountFen > debit.Cpo)
        {
            return TransferResult.ExceedsCredits;
        }
        var pending = t.Flags.HasFlag(TransferFlags.Pending);
        _accounts[t.DebitAccountId] = pending ? debit with { Dp = debit.Dp + t.AmountFen } : debit with { Dpo = debit.Dpo + t.AmountFen };
        var credit = _accounts[t.CreditAccountId];
        _accounts[t.CreditAccountId] = pending ? credit with { Cp = credit.Cp + t.AmountFen } : credit with { Cpo = credit.Cpo + t.AmountFen };
        if (pending)
        {
            _holds[t.Id] = (t.DebitAccountId, t.CreditAccountId, t.AmountFen, PendingStatus.Open);
        }
        return TransferResult.Ok;
    }
}
