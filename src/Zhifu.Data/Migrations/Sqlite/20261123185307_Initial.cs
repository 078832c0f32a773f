using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Zhifu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "adjustments",
                columns: table => new
                {
                    id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    amount_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    debit_account_id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    credit_account_id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_adjustments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "institution_accounts",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    account_id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_institution_accounts", x => x.key);
                });

            // The ledger tables are WITHOUT ROWID: keyed by time-ordered 16-byte ids, written by the batched
            // ledger writer through raw SQLite statements (architecture.md, "What was measured").
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

            migrationBuilder.CreateTable(
                name: "merchants",
                columns: table => new
                {
                    id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    mch_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    pending_account_id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    available_account_id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merchants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "meta",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_meta", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "operators",
                columns: table => new
                {
                    id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    username = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    password_hash = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    must_change_password = table.Column<bool>(type: "INTEGER", nullable: false),
                    failed_sign_ins = table.Column<int>(type: "INTEGER", nullable: false),
                    locked_until = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operators", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "BLOB", nullable: false),
                    phone_index = table.Column<byte[]>(type: "BLOB", nullable: false),
                    name_cipher = table.Column<byte[]>(type: "BLOB", nullable: false),
                    wallet_account_id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_institution_accounts_account_id",
                table: "institution_accounts",
                column: "account_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_merchants_mch_id",
                table: "merchants",
                column: "mch_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_operators_username",
                table: "operators",
                column: "username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_phone_index",
                table: "users",
                column: "phone_index",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_wallet_account_id",
                table: "users",
                column: "wallet_account_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "adjustments");

            migrationBuilder.DropTable(
                name: "institution_accounts");

            migrationBuilder.DropTable(
                name: "ledger_accounts");

            migrationBuilder.DropTable(
                name: "ledger_pending");

            migrationBuilder.DropTable(
                name: "ledger_transfers");

            migrationBuilder.DropTable(
                name: "merchants");

            migrationBuilder.DropTable(
                name: "meta");

            migrationBuilder.DropTable(
                name: "operators");

            migrationBuilder.DropTable(
                name: "users");
        }
    }
}
