namespace Zhifu.Bank.Storage;

/// <summary>Tables of the simulator. Amounts are integer fen; times are Unix milliseconds (UTC) plus the China-time day.</summary>
internal static class BankSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS cards (
            card_no TEXT PRIMARY KEY,
            bank TEXT NOT NULL,
            holder_name TEXT NOT NULL,
            id_no TEXT NOT NULL,
            phone TEXT NOT NULL,
            card_type TEXT NOT NULL CHECK (card_type IN ('debit', 'credit')),
            -- debit: the holder's balance; credit: the available credit.
            balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
            opening_balance_fen INTEGER NOT NULL CHECK (opening_balance_fen >= 0),
            status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
            opened_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS cards_by_holder ON cards (bank, id_no);

        -- One row per request id, failed ones included, so a repeat answers the first outcome.
        CREATE TABLE IF NOT EXISTS movements (
            request_id TEXT PRIMARY KEY,
            bank_txn_id TEXT NOT NULL UNIQUE,
            bank TEXT NOT NULL,
            card_no TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('debit', 'credit')),
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            memo TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed', 'reversed')),
            code TEXT,
            message TEXT,
            created_at_ms INTEGER NOT NULL,
            local_day TEXT NOT NULL,
            reversal_id TEXT,
            reversed_at_ms INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS movements_by_day ON movements (bank, local_day, created_at_ms);

        -- One row per reversal id with the answer given, so a repeat answers the same; a row for a request id that has no
        -- movement bars that movement from ever moving money (the reversal overtook it).
        CREATE TABLE IF NOT EXISTS reversals (
            reversal_id TEXT PRIMARY KEY,
            request_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
            code TEXT,
            created_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS reversals_by_request ON reversals (request_id);
        """;
}
