using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments;

/// <summary>
/// 支付结果通知 (PAY-5): the TRANSACTION.SUCCESS envelope — id, create_time, event_type, resource_type "encrypt-resource",
/// summary, resource{algorithm "AEAD_AES_256_GCM", ciphertext, associated_data, original_type "transaction", nonce} —
/// with the transaction encrypted under the merchant's APIv3 key, kept in an outbox and POSTed with platform-signed
/// Wechatpay-* headers until the merchant answers 2xx, on the protocol's schedule (15s/15s/30s/3m/10m/20m/30m/30m/30m/
/// 60m/3h/3h/3h/6h/6h, 24h4m in all).
/// </summary>
public sealed class PaymentNotifications(DatabaseOptions database, MerchantCredentials credentials, PlatformKeys keys,
    IHttpClientFactory http, PaymentsOptions options, Security.AuditLog audit, Security.PersonalData protector, IClock clock,
    ILogger<PaymentNotifications> logger)
{
    /// <summary>Encryption purpose (associated data) of a notification's kept resource.</summary>
    public const string ResourcePurpose = "payment-notification-resource";

    /// <summary>Sends a notification again now (a failed one, or one the merchant says it lost); its schedule starts over.
    /// Audited. False when there is no such notification. An attempt of it under way is let finish first: it saves the row as
    /// it saw it, which would otherwise undo the re-send (a last attempt failing would leave it failed, the operator told 202).</summary>
    public async Task<bool> ResendAsync(Guid id, Lifecycle.OperatorActor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (_inFlight.TryGetValue(id, out var underWay))
        {
            try
            {
                await underWay.Attempt.WaitAsync(TimeSpan.FromSeconds(options.NotifyTimeoutSeconds + 5), cancellationToken);
            }
            catch (TimeoutException)
            {
                // an attempt stuck past its own timeout: the re-send goes ahead
            }
        }
        await using var db = database.CreateContext();
        var row = await db.Set<PaymentNotificationRow>().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (row is null)
        {
            return false;
        }
        (row.Status, row.Attempts, row.NextAttemptAt, row.DeliveredAt) = (Pending, 0, clock.UtcNow, null);
        await db.SaveChangesAsync(cancellationToken);
        Wake();
        await audit.AppendAsync(by.Username, by.Role, "merchant-notification.resend", $"{row.MchId} {row.EventType} {row.Id}", "");
        return true;
    }

    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    /// <summary>Waits after each failed attempt; the first attempt is at once, so 16 attempts in all.</summary>
    public static IReadOnlyList<TimeSpan> RetrySchedule { get; } =
    [
        .. new[] { 15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600 }
            .Select(s => TimeSpan.FromSeconds(s)),
    ];

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Adds the success notification of a just-paid order to the caller's unit of work (one commit with the order).</summary>
    public Task<PaymentNotificationRow?> AddSuccessAsync(ZhifuDb db, PaymentOrderRow order, string openId) => AddAsync(db, order.MerchantId, order.MchId, order.Id,
        order.NotifyUrl, "TRANSACTION.SUCCESS", "支付成功", "transaction", TransactionView.Of(order, openId));

    /// <summary>
    /// Adds one event to the caller's unit of work: <paramref name="resource"/> encrypted (AEAD_AES_256_GCM) under the merchant's
    /// APIv3 key inside the protocol's envelope, due at once. Returns the row added (null when the event has nowhere to go).
    /// </summary>
    public async Task<PaymentNotificationRow?> AddAsync(ZhifuDb db, Guid merchantId, string mchId, Guid recordId, string url, string eventType, string summary,
        string originalType, JsonObject resource)
    {
        if (url.Length == 0)
        {
            return null; // 付款码 orders of a merchant without a default notify URL: the merchant learns the result by querying
        }
        var credential = await CredentialAsync(merchantId, mchId);
        var plain = resource.ToJsonString();
        var id = Guid.CreateVersion7();
        var envelope = new JsonObject
        {
            ["id"] = id.ToString(),
            ["create_time"] = TransactionView.Rfc3339(clock.UtcNow),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = eventType,
            ["summary"] = summary,
            ["resource"] = Seal(credentials.ApiV3Key(credential), plain, originalType),
        };
        var row = new PaymentNotificationRow
        {
            Id = id, RecordId = recordId, MchId = mchId, EventType = eventType, Url = url, Body = envelope.ToJsonString(),
            ResourceCipher = protector.Protect(plain, ResourcePurpose),
            Status = Pending, NextAttemptAt = clock.UtcNow, CreatedAt = clock.UtcNow,
        };
        db.Add(row);
        return row;
    }

    /// <summary>
    /// Saves the caller's unit of work that <see cref="AddAsync"/> added <paramref name="added"/> to, and hands the new row to
    /// the worker, which starts its first attempt without reading the outbox for it (one read less per payment). The row is
    /// marked handed off before the commit that makes it visible, so a round reading the outbox meanwhile leaves it to the
    /// hand-off: it is never attempted twice at once. A row the worker has no slot for goes back to the outbox's reads.
    /// </summary>
    public async Task SaveAndHandOffAsync(ZhifuDb db, PaymentNotificationRow? added)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (added is null || _fresh.Count >= HandOffsMax)
        {
            await db.SaveChangesAsync(CancellationToken.None);
            if (added is not null)
            {
                Wake(); // the worker is behind on its hand-offs: this row is found by the outbox's reads
            }
            return;
        }
        _handedOff[added.Id] = added.MchId;
        var saved = false;
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            saved = true;
        }
        finally
        {
            if (saved)
            {
                _fresh.Enqueue(added.Copy()); // the caller's context still tracks its own
                Release();
            }
            else
            {
                _handedOff.TryRemove(added.Id, out _); // never committed: no round can see it
            }
        }
    }

    /// <summary>Rows committed and handed to the worker, by id (value: mchid) until it starts them or gives them back.</summary>
    private readonly ConcurrentDictionary<Guid, string> _handedOff = new();

    private readonly ConcurrentQueue<PaymentNotificationRow> _fresh = new();

    /// <summary>Hand-offs the worker has not taken up yet, at most; beyond it a new row waits in the outbox like any other.</summary>
    private const int HandOffsMax = 1024;

    /// <summary>The merchant's credentials: from the cache, or — a merchant no longer active is not in it — from the table.</summary>
    private async Task<MerchantCredentialRow> CredentialAsync(Guid? merchantId, string mchId)
    {
        if ((await credentials.FindAsync(mchId, CancellationToken.None))?.Credential is { } cached)
        {
            return cached;
        }
        await using var db = database.CreateContext();
        return await db.Set<MerchantCredentialRow>().AsNoTracking()
            .FirstAsync(c => merchantId == null ? c.MchId == mchId : c.MerchantId == merchantId);
    }

    /// <summary>The envelope's <c>resource</c>: <paramref name="plain"/> sealed with AEAD_AES_256_GCM under the APIv3 key.</summary>
    private static JsonObject Seal(byte[] apiV3Key, string plain, string originalType)
    {
        var bytes = Encoding.UTF8.GetBytes(plain);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)); // 12 characters, used as the GCM nonce bytes
        var sealedBytes = new byte[bytes.Length + 16];
        using (var aes = new AesGcm(apiV3Key, 16))
        {
            aes.Encrypt(Encoding.ASCII.GetBytes(nonce), bytes, sealedBytes.AsSpan(0, bytes.Length), sealedBytes.AsSpan(bytes.Length),
                Encoding.UTF8.GetBytes(originalType));
        }
        return new JsonObject
        {
            ["original_type"] = originalType, ["algorithm"] = "AEAD_AES_256_GCM", ["ciphertext"] = Convert.ToBase64String(sealedBytes),
            ["associated_data"] = originalType, ["nonce"] = nonce,
        };
    }

    /// <summary>
    /// The body to send now: as kept while the merchant's current APIv3 key opens it, else (the key was reset since the event
    /// was sealed — retries run for a day) the kept resource sealed again under the current key, so a merchant that resets its
    /// key never receives a callback it cannot read (PAY-5). A server that still caches the old key for a few seconds sends the
    /// old seal once; the next attempt seals it anew.
    /// </summary>
    private async Task<string> CurrentBodyAsync(PaymentNotificationRow row)
    {
        if (row.ResourceCipher is null)
        {
            return row.Body;
        }
        var key = credentials.ApiV3Key(await CredentialAsync(null, row.MchId));
        var envelope = JsonNode.Parse(row.Body)!.AsObject();
        var resource = envelope["resource"]!.AsObject();
        var (sealedBytes, nonce, associated) = (Convert.FromBase64String((string)resource["ciphertext"]!),
            Encoding.ASCII.GetBytes((string)resource["nonce"]!), Encoding.UTF8.GetBytes((string)resource["associated_data"]!));
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(nonce, sealedBytes.AsSpan(0, sealedBytes.Length - 16), sealedBytes.AsSpan(sealedBytes.Length - 16),
                new byte[sealedBytes.Length - 16], associated);
            return row.Body;
        }
        catch (AuthenticationTagMismatchException)
        {
            try
            {
                envelope["resource"] = Seal(key, protector.Unprotect(row.ResourceCipher, ResourcePurpose), (string)resource["original_type"]!);
            }
            catch (CryptographicException e)
            {
                // the kept resource cannot be read (its key-ring key retired): send it as it was, on its schedule
                logger.LogWarning(e, "notification {Id}: its resource could not be sealed again; sent as kept", row.Id);
                return row.Body;
            }
            return envelope.ToJsonString();
        }
    }

    /// <summary>Lets the worker deliver now instead of at its next tick, reading the outbox for what is due.</summary>
    public void Wake()
    {
        _readDue = true;
        Release();
    }

    private void Release()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // already woken
        }
    }

    public Task WaitAsync(TimeSpan interval, CancellationToken ct) => _wake.WaitAsync(interval, ct);

    /// <summary>Attempts under way, by notification id: each one's row is left out of later rounds until it is saved.</summary>
    private readonly ConcurrentDictionary<Guid, (Task Attempt, string MchId)> _inFlight = new();

    /// <summary>
    /// Whether the last round may have left due rows unread (its slots or shares ran out): then an attempt that ends frees a
    /// slot for them and wakes the worker. After a round that saw every due row an ending attempt wakes nobody — a new row
    /// wakes the worker itself or is handed to it, a retry comes due on the worker's tick — which spares a read of the outbox
    /// per callback. One
    /// caller runs rounds (<see cref="PaymentWorker"/>), so the last round is the only one.
    /// </summary>
    private volatile bool _leftDue = true;

    /// <summary>Whether a round must read the outbox: woken for rows not handed off (<see cref="Wake"/>), or at start.</summary>
    private volatile bool _readDue = true;

    /// <summary>Since the last read of the outbox: read at least once a worker interval, whatever hand-offs keep the worker busy
    /// with (retries come due, other server processes write rows).</summary>
    private readonly System.Diagnostics.Stopwatch _sinceRead = new();

    /// <summary>
    /// One round: due notifications not already under way start their attempt, oldest due first, up to
    /// <see cref="PaymentsOptions.NotifyConcurrency"/> in flight and <see cref="PaymentsOptions.NotifyPerMerchant"/> to one
    /// merchant (more when nobody else has anything due, but never the last share), without waiting for them — so a slow or silent merchant endpoint (held up to the POST timeout) holds up no one
    /// else's notifications, not even the next round's: its retries, always the oldest due, take its share of the slots and the
    /// rest go to other merchants (PAY-5). Each attempt saves its own outcome and, when the round left due rows unread, wakes the
    /// worker for them.
    /// </summary>
    public async Task DeliverDueAsync(CancellationToken ct)
    {
        var (total, perMerchant) = (Math.Max(1, options.NotifyConcurrency), Math.Max(1, options.NotifyPerMerchant));
        // Hand-offs start first only while nothing older can be waiting: the last read saw every due row, nobody woke the worker
        // for other rows, and no retry can have come due since. Otherwise — or once one finds no slot — they go back to the
        // outbox, whose read below takes the due rows oldest first (new callbacks never overtake older ones under load).
        var handOff = !_readDue && !_leftDue && _sinceRead.IsRunning && _sinceRead.ElapsedMilliseconds < options.WorkerIntervalMs;
        // Within their share first, in the order they came; then — only when they are all one merchant's, so nobody else has
        // anything waiting — those past it, as a read's second pass would, never the last share. Any other goes back to the outbox.
        var pastShare = new List<PaymentNotificationRow>();
        while (_fresh.TryDequeue(out var fresh))
        {
            if (handOff && _inFlight.Count < total && InFlightOf(fresh.MchId) < perMerchant)
            {
                Start(fresh, fresh: true, ct);
                _handedOff.TryRemove(fresh.Id, out _); // under way from now
            }
            else if (handOff && _inFlight.Count < total)
            {
                pastShare.Add(fresh);
            }
            else
            {
                GiveBack(fresh);
            }
        }
        var oneMerchant = pastShare.Select(r => r.MchId).Distinct(StringComparer.Ordinal).Count() <= 1;
        foreach (var row in pastShare)
        {
            if (handOff && oneMerchant && _inFlight.Count < total - perMerchant)
            {
                Start(row, fresh: true, ct);
                _handedOff.TryRemove(row.Id, out _);
            }
            else
            {
                GiveBack(row);
            }
        }
        void GiveBack(PaymentNotificationRow row)
        {
            (handOff, _readDue) = (false, true); // it is due in the outbox, where the read below finds it
            _handedOff.TryRemove(row.Id, out _);
        }
        if (handOff)
        {
            return; // woken for hand-offs only, each started, and the last read saw every due row
        }
        _readDue = false;
        _sinceRead.Restart();
        // A few reads at most: each leaves out the merchants whose share is taken by then, so rows of others behind a long run
        // of one merchant's are reached. Once no other merchant has anything due, merchants at their share may take the slots
        // left but one share, kept free for whoever's callback comes due next.
        var capped = true;
        _leftDue = true; // until this round has seen every due row
        for (var read = 0; read < 5; read++)
        {
            var free = total - _inFlight.Count - (capped ? 0 : perMerchant);
            if (free <= 0)
            {
                return;
            }
            // Taken before reading: a row not under way then has its last attempt saved (an attempt leaves after saving), and only
            // this loop starts attempts — so no row is attempted twice at once. Rows handed off count as under way; one handed off
            // after this (committed before the read) is left to its hand-off below.
            var busy = _inFlight.ToDictionary(e => e.Key, e => e.Value.MchId);
            foreach (var (id, mchId) in _handedOff)
            {
                busy.TryAdd(id, mchId);
            }
            var counts = busy.Values.GroupBy(m => m, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var full = counts.Where(c => c.Value >= perMerchant).Select(c => c.Key).ToList();
            List<PaymentNotificationRow> due;
            await using (var db = database.CreateContext())
            {
                var now = clock.UtcNow;
                due = await db.Set<PaymentNotificationRow>().AsNoTracking()
                    .Where(n => n.Status == Pending && n.NextAttemptAt <= now && (!capped || !full.Contains(n.MchId)))
                    .OrderBy(n => n.NextAttemptAt).Take(free + busy.Count).ToListAsync(ct);
            }
            var (started, heldBack) = (0, false);
            foreach (var row in due.Where(r => !busy.ContainsKey(r.Id) && !_handedOff.ContainsKey(r.Id)))
            {
                if (started == free)
                {
                    continue;
                }
                if (capped && counts.GetValueOrDefault(row.MchId) >= perMerchant)
                {
                    heldBack = true;
                    continue;
                }
                counts[row.MchId] = counts.GetValueOrDefault(row.MchId) + 1;
                started++;
                Start(row, fresh: false, ct);
            }
            if (started == free)
            {
                return; // the slots are taken
            }
            if (due.Count < free + busy.Count)
            {
                if (!capped || (full.Count == 0 && !heldBack))
                {
                    _leftDue = false;
                    return; // every due row was seen (no merchant's was left out for its share: one read is all a quiet round costs)
                }
                capped = false; // every due row of a merchant with room was seen, and slots are left
            }
        }
    }

    private int InFlightOf(string mchId) => _inFlight.Values.Count(v => v.MchId == mchId);

    private void Start(PaymentNotificationRow row, bool fresh, CancellationToken ct)
    {
        // registered before it starts: an attempt that ends at once must find itself there to leave
        var attempt = new Task<Task>(() => AttemptAsync(row, fresh, ct));
        _inFlight[row.Id] = (attempt.Unwrap(), row.MchId);
        attempt.Start(TaskScheduler.Default);
    }

    /// <summary>Waits (at most <paramref name="limit"/>) for the attempts under way, e.g. when the server stops.</summary>
    public Task DrainAsync(TimeSpan limit) => Task.WhenAll(_inFlight.Values.Select(v => v.Attempt)).WaitAsync(limit);

    /// <summary>What an attempt changes on its row.</summary>
    private static readonly string[] AttemptColumns = [nameof(PaymentNotificationRow.Attempts), nameof(PaymentNotificationRow.LastError),
        nameof(PaymentNotificationRow.Status), nameof(PaymentNotificationRow.DeliveredAt), nameof(PaymentNotificationRow.NextAttemptAt)];

    /// <param name="fresh">Sealed a moment ago under the merchant's current key: sent as it is.</param>
    private async Task AttemptAsync(PaymentNotificationRow row, bool fresh, CancellationToken ct)
    {
        try
        {
            if (!fresh)
            {
                row.Body = await CurrentBodyAsync(row);
            }
            var error = await PostAsync(row, ct);
            row.Attempts++;
            row.LastError = error?[..Math.Min(error.Length, 256)];
            if (error is null)
            {
                (row.Status, row.DeliveredAt) = (Delivered, clock.UtcNow);
            }
            else if (row.Attempts > RetrySchedule.Count)
            {
                row.Status = Failed;
                logger.LogWarning("notification {Id} to merchant {MchId} given up after {Attempts} attempts", row.Id, row.MchId,
                    row.Attempts);
            }
            else
            {
                row.NextAttemptAt = clock.UtcNow + RetrySchedule[row.Attempts - 1];
            }
            await using var db = database.CreateContext();
            db.Attach(row);
            foreach (var changed in AttemptColumns)
            {
                db.Entry(row).Property(changed).IsModified = true;
            }
            // a fresh row's body is the one its commit wrote; one read from the outbox may have been sealed again
            db.Entry(row).Property(r => r.Body).IsModified = !fresh;
            // Does not wait for the disk (UnsyncedCommit): only a power failure could lose the outcome, and the row is then due
            // again — the callback is sent once more, which the protocol's merchants accept (docs/ledger.md)
            await UnsyncedCommit.SaveChangesAsync(db);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the server is stopping: the row stays due and is attempted after the restart
        }
        catch (Exception e)
        {
            logger.LogError(e, "notification {Id} attempt not recorded; it stays due", row.Id);
        }
        finally
        {
            _inFlight.TryRemove(row.Id, out _);
            if (_leftDue)
            {
                Wake(); // its slot is free for a row the last round could not start
            }
        }
    }

    /// <summary>Null when the merchant acknowledged (any 2xx), else what went wrong.</summary>
    private async Task<string?> PostAsync(PaymentNotificationRow row, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, row.Url)
        {
            Content = new StringContent(row.Body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in keys.SignatureHeaders(clock.UtcNow.ToUnixTimeSeconds(), row.Body))
        {
            request.Headers.Add(name, value);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.NotifyTimeoutSeconds));
            using var response = await http.CreateClient(nameof(PaymentNotifications)).SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }
}
