using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// A person's wallet account (支付账户). Phone, name and ID number are stored only encrypted and found by keyed blind
/// index (ACC-8). The phone index is cleared when the number leaves the holder (过户/销号, ACC-6), so the wallet can
/// never pass to the number's next holder while the ciphertext keeps the history.
/// </summary>
public sealed class UserRow
{
    public Guid Id { get; set; }
    public required byte[] PhoneCipher { get; set; }
    public byte[]? PhoneIndex { get; set; }
    public byte[]? NameCipher { get; set; }
    public byte[]? IdNumberCipher { get; set; }
    public byte[]? IdNumberIndex { get; set; }
    public Guid WalletAccountId { get; set; }
    /// <summary>余额消费专用 — the sub-account holding credit-card-sourced funds, usable only for consumption (CARD-3).</summary>
    public Guid ConsumptionAccountId { get; set; }
    public int Status { get; set; }
    /// <summary>0 = not verified; 1, 2, 3 = 支付账户 Ⅰ/Ⅱ/Ⅲ类 (ACC-2).</summary>
    public int AccountClass { get; set; }
    public int VerifiedSources { get; set; }
    public bool FaceToFaceVerified { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    public string? LoginPasswordHash { get; set; }
    public bool MustChangeLoginPassword { get; set; }
    public int FailedLogins { get; set; }
    public DateTimeOffset? LoginLockedUntil { get; set; }
    public string? PaymentPasswordHash { get; set; }
    public bool MustChangePaymentPassword { get; set; }
    public int FailedPaymentPasswords { get; set; }
    public DateTimeOffset? PaymentLockedUntil { get; set; }

    /// <summary>支付口令 (FACE-4): the 6-digit passcode typed on a face-pay terminal, apart from the payment password.</summary>
    public string? FacePasscodeHash { get; set; }
    public int FailedFacePasscodes { get; set; }
    public DateTimeOffset? FacePasscodeLockedUntil { get; set; }
    public required string OpenedVia { get; set; }
    /// <summary>Blind index of the device that opened the wallet, for the batch-opening rule of ACC-3.</summary>
    public byte[]? OpeningDeviceIndex { get; set; }
    public required string AgreementVersion { get; set; }
    public DateTimeOffset AgreementAcceptedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the current number was bound to the wallet (a phone change or a counter rebind); null: at opening. A
    /// carrier's event about the number from before it must not detach the wallet that took the number after it (ACC-6).</summary>
    public DateTimeOffset? PhoneBoundAt { get; set; }
    public DateTimeOffset? LastTransactionAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>Claimed by the transfer being decided for this payer (TRF-3's day totals, any server); null when none is.</summary>
    public DateTimeOffset? TransferringSince { get; set; }
    /// <summary>A passwordless charge under way (a row claim, TRF-3): the user's charges under several agreements are decided
    /// one at a time, so the day's total across them is read whole. Apart from transfers' claim, which reads no such total.</summary>
    public DateTimeOffset? PasswordlessChargingSince { get; set; }
    /// <summary>The ledger's closing hold of a closure under way (ACC-6); cleared when it is recorded closed or the hold goes.</summary>
    public Guid? ClosingHoldId { get; set; }
}

internal sealed class UserRowMapping : IEntityTypeConfiguration<UserRow>
{
    public void Configure(EntityTypeBuilder<UserRow> e)
    {
        e.ToTable("users");
        e.HasIndex(x => x.PhoneIndex).IsUnique();
        e.HasIndex(x => x.IdNumberIndex);
        e.HasIndex(x => x.WalletAccountId).IsUnique();
        e.HasIndex(x => new { x.OpeningDeviceIndex, x.CreatedAt });
        e.Property(x => x.LoginPasswordHash).HasMaxLength(256);
        e.Property(x => x.PaymentPasswordHash).HasMaxLength(256);
        e.Property(x => x.OpenedVia).HasMaxLength(16);
        e.Property(x => x.AgreementVersion).HasMaxLength(32);
    }
}
