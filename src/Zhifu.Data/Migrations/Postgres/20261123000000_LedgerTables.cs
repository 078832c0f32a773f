using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Zhifu.Data.Migrations.Postgres;

/// <summary>
/// The ledger tables on PostgreSQL, by hand: balances are rewritten once per batch, so half-empty pages (fillfactor 50)
/// keep those updates in place (HOT); transfers arrive by binary COPY (architecture.md, "What was measured").
/// </summary>
[DbContext(typeof(PostgresZhifuDb))]
[Migration("20261123000000_LedgerTables")]
public sealed class LedgerTables : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE ledger_accounts (
                id uuid NOT NULL CONSTRAINT pk_ledger_accounts PRIMARY KEY,
                ledger integer NOT NULL, code integer NOT NULL, flags integer NOT NULL,
                debits_pending bigint NOT NULL, debits_posted bigint NOT NULL,
                credits_pending bigint NOT NULL, credits_posted bigint NOT NULL,
                timestamp bigint NOT NULL
            ) WITH (fillfactor = 50);
            CREATE TABLE ledger_pending (
                id uuid NOT NULL CONSTRAINT pk_ledger_pending PRIMARY KEY,
                status integer NOT NULL, expires_at bigint NOT NULL, resolved_at bigint NULL
            );
            CREATE TABLE ledger_transfers (
                id uuid NOT NULL CONSTRAINT pk_ledger_transfers PRIMARY KEY,
                debit_account_id uuid NOT NULL, credit_account_id uuid NOT NULL,
                amount bigint NOT NULL, pending_id uuid NULL, timeout bigint NOT NULL,
                ledger integer NOT NULL, code integer NOT NULL, flags integer NOT NULL,
                business_id uuid NOT NULL, result integer NOT NULL, timestamp bigint NOT NULL
            );
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE ledger_transfers; DROP TABLE ledger_pending; DROP TABLE ledger_accounts;");
    }
}
