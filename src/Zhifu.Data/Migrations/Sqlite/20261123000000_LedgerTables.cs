using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Zhifu.Data.Migrations.Sqlite;

/// <summary>
/// The ledger tables on SQLite, by hand: <c>WITHOUT ROWID</c> tables keyed by time-ordered 16-byte ids, written by the
/// batched ledger writer through raw SQLite statements (architecture.md, "What was measured").
/// </summary>
[DbContext(typeof(SqliteZhifuDb))]
[Migration("20261123000000_LedgerTables")]
public sealed class LedgerTables : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE ledger_accounts (
                id BLOB NOT NULL CONSTRAINT pk_ledger_accounts PRIMARY KEY,
                ledger INTEGER NOT NULL, code INTEGER NOT NULL, flags INTEGER NOT NULL,
                debits_pending INTEGER NOT NULL, debits_posted INTEGER NOT NULL,
                credits_pending INTEGER NOT NULL, credits_posted INTEGER NOT NULL,
                timestamp INTEGER NOT NULL
            ) WITHOUT ROWID;
            """);
        migrationBuilder.Sql("""
            CREATE TABLE ledger_pending (
                id BLOB NOT NULL CONSTRAINT pk_ledger_pending PRIMARY KEY,
                status INTEGER NOT NULL, expires_at INTEGER NOT NULL, resolved_at INTEGER NULL
            ) WITHOUT ROWID;
            """);
        migrationBuilder.Sql("""
            CREATE TABLE ledger_transfers (
                id BLOB NOT NULL CONSTRAINT pk_ledger_transfers PRIMARY KEY,
                debit_account_id BLOB NOT NULL, credit_account_id BLOB NOT NULL,
                amount INTEGER NOT NULL, pending_id BLOB NULL, timeout INTEGER NOT NULL,
                ledger INTEGER NOT NULL, code INTEGER NOT NULL, flags INTEGER NOT NULL,
                business_id BLOB NOT NULL, result INTEGER NOT NULL, timestamp INTEGER NOT NULL
            ) WITHOUT ROWID;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE ledger_transfers; DROP TABLE ledger_pending; DROP TABLE ledger_accounts;");
    }
}
