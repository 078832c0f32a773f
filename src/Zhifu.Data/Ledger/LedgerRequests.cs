using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

/// <summary>One caller's request waiting in the writer's queue.</summary>
internal abstract class LedgerRequest
{
    public abstract int Size { get; }

    public abstract void Apply(LedgerEngine engine);

    public abstract IEnumerable<Guid> TransferIds { get; }

    public abstract void Complete();

    public abstract void Fail(Exception error);
}

internal sealed class TransferRequest(Transfer[] transfers) : LedgerRequest
{
    private readonly TransferResult[] _results = new TransferResult[transfers.Length];

    public TaskCompletionSource<TransferResult[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override int Size => transfers.Length;

    public override IEnumerable<Guid> TransferIds => transfers.Select(t => t.Id);

    public override void Apply(LedgerEngine engine) => engine.Apply(transfers, _results);

    public override void Complete() => Completion.TrySetResult(_results);

    public override void Fail(Exception error) => Completion.TrySetException(error);
}

internal sealed class AccountRequest(NewAccount[] accounts) : LedgerRequest
{
    private readonly CreateAccountResult[] _results = new CreateAccountResult[accounts.Length];

    public TaskCompletionSource<CreateAccountResult[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override int Size => accounts.Length;

    public override IEnumerable<Guid> TransferIds => [];

    public override void Apply(LedgerEngine engine) => engine.CreateAccounts(accounts, _results);

    public override void Complete() => Completion.TrySetResult(_results);

    public override void Fail(Exception error) => Completion.TrySetException(error);
}
