namespace Zhifu.Server.Accounts;

/// <summary>Rules of wallet accounts and credentials (section <c>Accounts</c>); defaults follow domain.md.</summary>
public sealed record AccountsOptions
{
    /// <summary>The service agreement version a new holder accepts (recorded with the time, ACC-1).</summary>
    public string AgreementVersion { get; init; } = "2026-11";

    /// <summary>Wrong login or payment passwords before a lockout (ACC-7).</summary>
    public int PasswordFailuresMax { get; init; } = 5;

    /// <summary>Wrong face-pay passcodes (支付口令, FACE-4) before a lockout: a terminal in a shop, so fewer tries.</summary>
    public int FacePasscodeFailuresMax { get; init; } = 3;

    /// <summary>How long a lockout lasts.</summary>
    public int LockMinutes { get; init; } = 30;

    /// <summary>One-time code lifetime.</summary>
    public int OneTimeCodeSeconds { get; init; } = 300;

    /// <summary>Wrong entries of one code before it is spent.</summary>
    public int OneTimeCodeAttemptsMax { get; init; } = 5;

    /// <summary>Least time between two codes for the same phone and purpose.</summary>
    public int OneTimeCodeResendSeconds { get; init; } = 60;

    /// <summary>Most codes to one phone per hour, whatever the purpose.</summary>
    public int OneTimeCodesPerHourMax { get; init; } = 10;

    /// <summary>
    /// Most 找回登录密码 codes to one phone a day (ACC-7): anyone may ask for them, so they have their own small budget, and
    /// each try at the holder's ID number or payment password spends one — at most this many guesses a day.
    /// </summary>
    public int ResetCodesPerDayMax { get; init; } = 3;

    /// <summary>A wallet session ends after this much idle time.</summary>
    public int SessionIdleMinutes { get; init; } = 30;

    /// <summary>A wallet session ends after this long whatever happens.</summary>
    public int SessionMaxHours { get; init; } = 24;

    /// <summary>ACC-3: most wallets opened from one device within a day before openings from it are refused as batch opening.</summary>
    public int OpeningsPerDeviceDayMax { get; init; } = 3;
}
