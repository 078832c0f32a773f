using Zhifu.Bank.Hosting;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Faults;

/// <summary>
/// Puts a money request through the fault dice: carried out or not, then answered normally, answered "unknown", or held
/// past the client's timeout and answered 504. Validation happens before the gate, so bad input is never faulted.
/// </summary>
internal sealed class FaultGate(FaultInjector faults, IHostApplicationLifetime lifetime)
{
    public async Task<IResult> PassAsync<T>(
        HttpContext http, Func<FaultDraw, Task<T>> work, Func<T, IResult> answer, Func<IResult> unknown)
    {
        await faults.DelayAsync();
        var draw = faults.Draw();
        var result = draw.Processed ? await work(draw) : default;
        switch (draw.Kind)
        {
            case FaultKind.Timeout:
                await HoldAsync(draw.HoldMs, http.RequestAborted);
                return TypedResults.Json(new ApiError(BankErrorCodes.ChannelTimeout, "the bank did not answer in time"),
                    statusCode: StatusCodes.Status504GatewayTimeout);
            case FaultKind.Unknown:
                return unknown();
            default:
                return answer(result!);
        }
    }

    private async Task HoldAsync(int holdMs, CancellationToken requestAborted)
    {
        // The client has normally given up long before; stop holding once it hangs up or the simulator stops.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(holdMs, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The answer is lost either way; that is the point of the fault.
        }
    }
}
