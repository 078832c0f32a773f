using Zhifu.Data.Entities;

namespace Zhifu.Server.Payments;

/// <summary>
/// Told once a payment's SUCCESS is committed, however it got there: on the payer's request, by the payment worker that
/// finished it after a slow ledger, or by a risk release. Best effort: a failure is logged and changes nothing paid.
/// </summary>
public interface IPaymentSucceeded
{
    Task SucceededAsync(PaymentOrderRow order, CancellationToken ct);
}
