using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Zhifu.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "account_restrictions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lifted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lifted_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_account_restrictions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "adjustments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    debit_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    credit_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_adjustments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "aml_reports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    generated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    generated_by = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    row_count = table.Column<int>(type: "integer", nullable: false),
                    truncated = table.Column<bool>(type: "boolean", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aml_reports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    details = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    previous_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "balance_limit_periods",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    period_year = table.Column<int>(type: "integer", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    allowance_fen = table.Column<long>(type: "bigint", nullable: false),
                    shortfall_fen = table.Column<long>(type: "bigint", nullable: false),
                    pending_adjustment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    pending_adjustment_fen = table.Column<long>(type: "bigint", nullable: false),
                    pending_allowance_fen = table.Column<long>(type: "bigint", nullable: false),
                    pending_shortfall_fen = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_balance_limit_periods", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "bank_cards",
                columns: table => new
                {
                    token = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    bank = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    card_type = table.Column<int>(type: "integer", nullable: false),
                    masked_number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    bound_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    unbound_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bank_cards", x => x.token);
                });

            migrationBuilder.CreateTable(
                name: "card_vault",
                columns: table => new
                {
                    token = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    number_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    number_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_card_vault", x => x.token);
                });

            migrationBuilder.CreateTable(
                name: "class_three_holders",
                columns: table => new
                {
                    id_number_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_class_three_holders", x => x.id_number_index);
                });

            migrationBuilder.CreateTable(
                name: "face_claims",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    transaction_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    terminal_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    department = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    assigned_to = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    deadline_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    compensated_fen = table.Column<long>(type: "bigint", nullable: false),
                    compensated_consumption_fen = table.Column<long>(type: "bigint", nullable: false),
                    compensation_transfer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    decision_note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    recovery_state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    recovered_fen = table.Column<long>(type: "bigint", nullable: false),
                    recovery_transfer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recovery_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    recovery_note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    recovery_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_face_claims", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "face_digit_misses",
                columns: table => new
                {
                    terminal_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_face_digit_misses", x => x.terminal_id);
                });

            migrationBuilder.CreateTable(
                name: "face_enrolments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    face_id = table.Column<Guid>(type: "uuid", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    consent_version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    consented_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    enrolled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    enrolled_via = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_face_enrolments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "face_terminals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    terminal_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    store_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    model = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    public_key_pem = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    cert_lab = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    cert_number = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    cert_expires_on = table.Column<DateOnly>(type: "date", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reviewed_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    review_note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    key_rotated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_face_terminals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "face_tokens",
                columns: table => new
                {
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    terminal_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    used_for = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_face_tokens", x => x.token_hash);
                });

            migrationBuilder.CreateTable(
                name: "fund_movements",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    card_token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    bank = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    card_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    card_masked = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    wallet_ledger_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    clearing_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    bank_txn_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    failure_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    resends = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolving_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fund_movements", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "institution_accounts",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_institution_accounts", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "involved_accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    id_number_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    device_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    subject_masked = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    listed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    listed_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    removed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    removed_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    removal_reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_involved_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "merchant_api_keys",
                columns: table => new
                {
                    serial = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    public_key_pem = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merchant_api_keys", x => new { x.mch_id, x.serial });
                });

            migrationBuilder.CreateTable(
                name: "merchant_credentials",
                columns: table => new
                {
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    api_v3key_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    notify_url = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    fee_rate_ppm = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merchant_credentials", x => x.merchant_id);
                });

            migrationBuilder.CreateTable(
                name: "merchant_nonces",
                columns: table => new
                {
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    nonce = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merchant_nonces", x => new { x.mch_id, x.nonce });
                });

            migrationBuilder.CreateTable(
                name: "merchant_staff",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    username = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    password_hash = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    failed_sign_ins = table.Column<int>(type: "integer", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    session_stamp = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    must_change_password = table.Column<bool>(type: "boolean", nullable: false),
                    disabled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merchant_staff", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "merchants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    licence_no = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: true),
                    legal_person_name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    legal_person_id_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    mcc = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    risk_level = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    settlement_bank = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    settlement_account_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    settlement_account_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    settlement_account_last4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    fee_rate_ppm_applied = table.Column<int>(type: "integer", nullable: false),
                    passwordless_eligible = table.Column<bool>(type: "boolean", nullable: false),
                    passwordless_per_payment_fen = table.Column<long>(type: "bigint", nullable: false),
                    passwordless_daily_fen = table.Column<long>(type: "bigint", nullable: false),
                    face_pay_eligible = table.Column<bool>(type: "boolean", nullable: false),
                    single_payment_limit_fen = table.Column<long>(type: "bigint", nullable: false),
                    applied_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reviewed_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    review_note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pending_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    available_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    refund_review_required = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merchants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "meta",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_meta", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "one_time_codes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    purpose = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    code_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_one_time_codes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "operators",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    username = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    password_hash = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    must_change_password = table.Column<bool>(type: "boolean", nullable: false),
                    failed_sign_ins = table.Column<int>(type: "integer", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    session_stamp = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    disabled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operators", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "passwordless_agreements",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    app_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    plan_id = table.Column<long>(type: "bigint", nullable: false),
                    out_contract_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    contract_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    pre_sign_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    pre_sign_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    display_account = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    out_user_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    payer_open_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    notify_url = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    text_version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    per_payment_limit_fen = table.Column<long>(type: "bigint", nullable: false),
                    daily_limit_fen = table.Column<long>(type: "bigint", nullable: false),
                    elderly = table.Column<bool>(type: "boolean", nullable: false),
                    assessment_score = table.Column<int>(type: "integer", nullable: true),
                    signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    signed_via = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    terminated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    termination_mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    termination_remark = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    review_reminded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    charging_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_passwordless_agreements", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "passwordless_disputes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    transaction_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    agreement_id = table.Column<Guid>(type: "uuid", nullable: false),
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    deadline_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    loss_fen = table.Column<long>(type: "bigint", nullable: false),
                    decided_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    decision_note = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deciding_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_passwordless_disputes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "payment_codes",
                columns: table => new
                {
                    code_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    used_for = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_codes", x => x.code_hash);
                });

            migrationBuilder.CreateTable(
                name: "payment_notifications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    event_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    url = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    body = table.Column<string>(type: "character varying(16384)", maxLength: 16384, nullable: false),
                    resource_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_error = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_notifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "payment_orders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    transaction_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    app_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    out_trade_no = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    trade_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    description = table.Column<string>(type: "character varying(127)", maxLength: 127, nullable: false),
                    attach = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    notify_url = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    total_fen = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    code_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    payer_open_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    payer_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    payment_chain_json = table.Column<string>(type: "text", nullable: true),
                    payment_transfer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    paying_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    fee_fen = table.Column<long>(type: "bigint", nullable: false),
                    fee_rate_ppm = table.Column<int>(type: "integer", nullable: false),
                    consumption_fen = table.Column<long>(type: "bigint", nullable: false),
                    refunded_fen = table.Column<long>(type: "bigint", nullable: false),
                    refund_count = table.Column<int>(type: "integer", nullable: false),
                    success_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    passwordless_agreement_id = table.Column<Guid>(type: "uuid", nullable: true),
                    paid_passwordless = table.Column<bool>(type: "boolean", nullable: false),
                    reversed = table.Column<bool>(type: "boolean", nullable: false),
                    face_terminal_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_orders", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "payment_refunds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    refund_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    out_refund_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    merchant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    out_trade_no = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    transaction_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    notify_url = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    refund_fen = table.Column<long>(type: "bigint", nullable: false),
                    consumption_fen = table.Column<long>(type: "bigint", nullable: false),
                    fee_refund_fen = table.Column<long>(type: "bigint", nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    review = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    payer_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reviewed_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    review_note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    chain_json = table.Column<string>(type: "character varying(8192)", maxLength: 8192, nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    success_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_refunds", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "phone_releases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_masked = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    cause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_phone_releases", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "real_name_attempts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id_number_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    source_answers = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    result_class = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_real_name_attempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "real_name_records",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    id_number_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    id_number_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    matched_sources = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    evidence_class = table.Column<int>(type: "integer", nullable: false),
                    face_to_face_ticket = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    face_to_face_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    face_to_face_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    class_three_held_by = table.Column<Guid>(type: "uuid", nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_real_name_records", x => x.user_id);
                });

            migrationBuilder.CreateTable(
                name: "risk_case_notes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    text = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_risk_case_notes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "risk_cases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    decision_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    business_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    business_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    summary = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    assigned_to = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    decided_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deciding_as = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    deciding_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_risk_cases", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "risk_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    business_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    mch_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    merchant_risk_level = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    payee_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    card_token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    device_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    region = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    score = table.Column<int>(type: "integer", nullable: false),
                    hits_json = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    dry_run_json = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_risk_decisions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "risk_list_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    list = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    subject_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    subject_masked = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    listed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    listed_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    removed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    removed_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    removal_reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_risk_list_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "risk_profiles",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    state_json = table.Column<string>(type: "character varying(16384)", maxLength: 16384, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_risk_profiles", x => x.user_id);
                });

            migrationBuilder.CreateTable(
                name: "risk_rules",
                columns: table => new
                {
                    rule_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    kinds = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    parameters_json = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    score = table.Column<int>(type: "integer", nullable: false),
                    mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    description = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_risk_rules", x => new { x.rule_id, x.version });
                });

            migrationBuilder.CreateTable(
                name: "sms_conversations",
                columns: table => new
                {
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    command = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sms_conversations", x => x.phone_index);
                });

            migrationBuilder.CreateTable(
                name: "sms_outbox",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_masked = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    body_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sms_outbox", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "transfer_limit_overrides",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    single_amount_fen = table.Column<long>(type: "bigint", nullable: true),
                    daily_amount_fen = table.Column<long>(type: "bigint", nullable: true),
                    daily_count = table.Column<int>(type: "integer", nullable: true),
                    yearly_amount_fen = table.Column<long>(type: "bigint", nullable: true),
                    reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    set_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    set_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transfer_limit_overrides", x => x.user_id);
                });

            migrationBuilder.CreateTable(
                name: "transfer_limit_periods",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    metric = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    period_key = table.Column<int>(type: "integer", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    allowance_fen = table.Column<long>(type: "bigint", nullable: false),
                    shortfall_fen = table.Column<long>(type: "bigint", nullable: false),
                    pending_adjustment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    pending_adjustment_fen = table.Column<long>(type: "bigint", nullable: false),
                    pending_allowance_fen = table.Column<long>(type: "bigint", nullable: false),
                    pending_shortfall_fen = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transfer_limit_periods", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    id_number_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    id_number_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    wallet_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consumption_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    account_class = table.Column<int>(type: "integer", nullable: false),
                    verified_sources = table.Column<int>(type: "integer", nullable: false),
                    face_to_face_verified = table.Column<bool>(type: "boolean", nullable: false),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    login_password_hash = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    must_change_login_password = table.Column<bool>(type: "boolean", nullable: false),
                    failed_logins = table.Column<int>(type: "integer", nullable: false),
                    login_locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    payment_password_hash = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    must_change_payment_password = table.Column<bool>(type: "boolean", nullable: false),
                    failed_payment_passwords = table.Column<int>(type: "integer", nullable: false),
                    payment_locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    face_passcode_hash = table.Column<string>(type: "text", nullable: true),
                    failed_face_passcodes = table.Column<int>(type: "integer", nullable: false),
                    face_passcode_locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    opened_via = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    opening_device_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    agreement_version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    agreement_accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    phone_bound_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_transaction_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    transferring_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    passwordless_charging_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closing_hold_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "wallet_merges",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    to_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    wallet_fen = table.Column<long>(type: "bigint", nullable: false),
                    consumption_fen = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ledger_closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wallet_merges", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "wallet_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wallet_sessions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "wallet_transfer_legs",
                columns: table => new
                {
                    transfer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    leg_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ledger = table.Column<int>(type: "integer", nullable: false),
                    code = table.Column<int>(type: "integer", nullable: false),
                    debit_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    credit_account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    business_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    risk_review = table.Column<bool>(type: "boolean", nullable: false),
                    limit = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wallet_transfer_legs", x => new { x.transfer_id, x.sequence });
                });

            migrationBuilder.CreateTable(
                name: "wallet_transfers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    payer_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    payee_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    payee_masked = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    payee_name_masked = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    payer_shown = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    card_token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    fund_movement_id = table.Column<Guid>(type: "uuid", nullable: true),
                    amount_fen = table.Column<long>(type: "bigint", nullable: false),
                    risk_review = table.Column<bool>(type: "boolean", nullable: false),
                    arrival = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    own_account = table.Column<bool>(type: "boolean", nullable: false),
                    verification = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    large_amount_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    memo = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    failure_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    failure_zh = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    failure_en = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    arrives_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wallet_transfers", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_account_restrictions_user_id_lifted_at",
                table: "account_restrictions",
                columns: new[] { "user_id", "lifted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_aml_reports_day_kind_version",
                table: "aml_reports",
                columns: new[] { "day", "kind", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_aml_reports_generated_at",
                table: "aml_reports",
                column: "generated_at");

            migrationBuilder.CreateIndex(
                name: "ix_balance_limit_periods_account_id",
                table: "balance_limit_periods",
                column: "account_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_balance_limit_periods_user_id_period_year",
                table: "balance_limit_periods",
                columns: new[] { "user_id", "period_year" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_bank_cards_user_id_unbound_at",
                table: "bank_cards",
                columns: new[] { "user_id", "unbound_at" });

            migrationBuilder.CreateIndex(
                name: "ix_card_vault_number_index",
                table: "card_vault",
                column: "number_index",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_class_three_holders_user_id",
                table: "class_three_holders",
                column: "user_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_face_claims_order_id",
                table: "face_claims",
                column: "order_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_face_claims_state_deadline_at",
                table: "face_claims",
                columns: new[] { "state", "deadline_at" });

            migrationBuilder.CreateIndex(
                name: "ix_face_claims_user_id_created_at",
                table: "face_claims",
                columns: new[] { "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_face_enrolments_face_id",
                table: "face_enrolments",
                column: "face_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_face_enrolments_user_id_state",
                table: "face_enrolments",
                columns: new[] { "user_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_face_terminals_merchant_id_state",
                table: "face_terminals",
                columns: new[] { "merchant_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_face_terminals_terminal_id",
                table: "face_terminals",
                column: "terminal_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_face_tokens_expires_at",
                table: "face_tokens",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_fund_movements_status_created_at",
                table: "fund_movements",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fund_movements_user_id_created_at",
                table: "fund_movements",
                columns: new[] { "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_institution_accounts_account_id",
                table: "institution_accounts",
                column: "account_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_involved_accounts_device_index",
                table: "involved_accounts",
                column: "device_index");

            migrationBuilder.CreateIndex(
                name: "ix_involved_accounts_id_number_index",
                table: "involved_accounts",
                column: "id_number_index");

            migrationBuilder.CreateIndex(
                name: "ix_involved_accounts_listed_at",
                table: "involved_accounts",
                column: "listed_at");

            migrationBuilder.CreateIndex(
                name: "ix_involved_accounts_phone_index",
                table: "involved_accounts",
                column: "phone_index");

            migrationBuilder.CreateIndex(
                name: "ix_involved_accounts_user_id",
                table: "involved_accounts",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_merchant_credentials_mch_id",
                table: "merchant_credentials",
                column: "mch_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_merchant_nonces_seen_at",
                table: "merchant_nonces",
                column: "seen_at");

            migrationBuilder.CreateIndex(
                name: "ix_merchant_staff_merchant_id",
                table: "merchant_staff",
                column: "merchant_id");

            migrationBuilder.CreateIndex(
                name: "ix_merchant_staff_username",
                table: "merchant_staff",
                column: "username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_merchants_mch_id",
                table: "merchants",
                column: "mch_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_merchants_status_created_at",
                table: "merchants",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_one_time_codes_phone_index_purpose_created_at",
                table: "one_time_codes",
                columns: new[] { "phone_index", "purpose", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_operators_username",
                table: "operators",
                column: "username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_passwordless_agreements_contract_id",
                table: "passwordless_agreements",
                column: "contract_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_passwordless_agreements_merchant_id_plan_id_out_contract_co",
                table: "passwordless_agreements",
                columns: new[] { "merchant_id", "plan_id", "out_contract_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_passwordless_agreements_pre_sign_id",
                table: "passwordless_agreements",
                column: "pre_sign_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_passwordless_agreements_user_id_state",
                table: "passwordless_agreements",
                columns: new[] { "user_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_passwordless_disputes_merchant_id_state",
                table: "passwordless_disputes",
                columns: new[] { "merchant_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_passwordless_disputes_order_id",
                table: "passwordless_disputes",
                column: "order_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_passwordless_disputes_user_id_created_at",
                table: "passwordless_disputes",
                columns: new[] { "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_codes_expires_at",
                table: "payment_codes",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_payment_codes_user_id",
                table: "payment_codes",
                column: "user_id",
                unique: true,
                filter: "used_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_payment_codes_user_id_used_at",
                table: "payment_codes",
                columns: new[] { "user_id", "used_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_notifications_record_id_event_type",
                table: "payment_notifications",
                columns: new[] { "record_id", "event_type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_notifications_status_next_attempt_at",
                table: "payment_notifications",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_code",
                table: "payment_orders",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_code_user_id_state",
                table: "payment_orders",
                columns: new[] { "code_user_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_mch_id_out_trade_no",
                table: "payment_orders",
                columns: new[] { "mch_id", "out_trade_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_passwordless_agreement_id_success_time",
                table: "payment_orders",
                columns: new[] { "passwordless_agreement_id", "success_time" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_payer_user_id_paying_since",
                table: "payment_orders",
                columns: new[] { "payer_user_id", "paying_since" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_state_expires_at",
                table: "payment_orders",
                columns: new[] { "state", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_orders_transaction_id",
                table: "payment_orders",
                column: "transaction_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_refunds_mch_id_out_refund_no",
                table: "payment_refunds",
                columns: new[] { "mch_id", "out_refund_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_refunds_merchant_id_created_at",
                table: "payment_refunds",
                columns: new[] { "merchant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_refunds_merchant_id_review_created_at",
                table: "payment_refunds",
                columns: new[] { "merchant_id", "review", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_refunds_order_id",
                table: "payment_refunds",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_refunds_payer_user_id_created_at",
                table: "payment_refunds",
                columns: new[] { "payer_user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_refunds_refund_id",
                table: "payment_refunds",
                column: "refund_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_refunds_status_submitted_at",
                table: "payment_refunds",
                columns: new[] { "status", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_phone_releases_phone_index",
                table: "phone_releases",
                column: "phone_index");

            migrationBuilder.CreateIndex(
                name: "ix_phone_releases_user_id",
                table: "phone_releases",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_real_name_attempts_user_id_at",
                table: "real_name_attempts",
                columns: new[] { "user_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_real_name_records_class_three_held_by",
                table: "real_name_records",
                column: "class_three_held_by");

            migrationBuilder.CreateIndex(
                name: "ix_risk_case_notes_case_id",
                table: "risk_case_notes",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "ix_risk_cases_business_id",
                table: "risk_cases",
                column: "business_id");

            migrationBuilder.CreateIndex(
                name: "ix_risk_cases_status_created_at",
                table: "risk_cases",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_risk_cases_user_id",
                table: "risk_cases",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ux_risk_cases_undecided_business_id",
                table: "risk_cases",
                columns: new[] { "business_id", "kind" },
                unique: true,
                filter: "status <> 'decided'");

            migrationBuilder.CreateIndex(
                name: "ix_risk_decisions_at",
                table: "risk_decisions",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_risk_decisions_business_id",
                table: "risk_decisions",
                column: "business_id");

            migrationBuilder.CreateIndex(
                name: "ix_risk_decisions_user_id_at",
                table: "risk_decisions",
                columns: new[] { "user_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_risk_list_entries_list_subject_key",
                table: "risk_list_entries",
                columns: new[] { "list", "subject_key" });

            migrationBuilder.CreateIndex(
                name: "ix_sms_outbox_created_at",
                table: "sms_outbox",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_sms_outbox_phone_index_created_at",
                table: "sms_outbox",
                columns: new[] { "phone_index", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_transfer_limit_periods_account_id",
                table: "transfer_limit_periods",
                column: "account_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_transfer_limit_periods_user_id_metric_period_key",
                table: "transfer_limit_periods",
                columns: new[] { "user_id", "metric", "period_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_id_number_index",
                table: "users",
                column: "id_number_index");

            migrationBuilder.CreateIndex(
                name: "ix_users_opening_device_index_created_at",
                table: "users",
                columns: new[] { "opening_device_index", "created_at" });

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

            migrationBuilder.CreateIndex(
                name: "ix_wallet_merges_completed_at",
                table: "wallet_merges",
                column: "completed_at",
                filter: "ledger_closed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_wallet_merges_from_user_id",
                table: "wallet_merges",
                column: "from_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_wallet_merges_to_user_id",
                table: "wallet_merges",
                column: "to_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_wallet_sessions_token_hash",
                table: "wallet_sessions",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_wallet_sessions_user_id",
                table: "wallet_sessions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_wallet_transfers_payee_user_id_resolved_at",
                table: "wallet_transfers",
                columns: new[] { "payee_user_id", "resolved_at" });

            migrationBuilder.CreateIndex(
                name: "ix_wallet_transfers_payer_user_id_created_at",
                table: "wallet_transfers",
                columns: new[] { "payer_user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_wallet_transfers_payer_user_id_request_id",
                table: "wallet_transfers",
                columns: new[] { "payer_user_id", "request_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_wallet_transfers_status_arrives_at",
                table: "wallet_transfers",
                columns: new[] { "status", "arrives_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_restrictions");

            migrationBuilder.DropTable(
                name: "adjustments");

            migrationBuilder.DropTable(
                name: "aml_reports");

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "balance_limit_periods");

            migrationBuilder.DropTable(
                name: "bank_cards");

            migrationBuilder.DropTable(
                name: "card_vault");

            migrationBuilder.DropTable(
                name: "class_three_holders");

            migrationBuilder.DropTable(
                name: "face_claims");

            migrationBuilder.DropTable(
                name: "face_digit_misses");

            migrationBuilder.DropTable(
                name: "face_enrolments");

            migrationBuilder.DropTable(
                name: "face_terminals");

            migrationBuilder.DropTable(
                name: "face_tokens");

            migrationBuilder.DropTable(
                name: "fund_movements");

            migrationBuilder.DropTable(
                name: "institution_accounts");

            migrationBuilder.DropTable(
                name: "involved_accounts");

            migrationBuilder.DropTable(
                name: "merchant_api_keys");

            migrationBuilder.DropTable(
                name: "merchant_credentials");

            migrationBuilder.DropTable(
                name: "merchant_nonces");

            migrationBuilder.DropTable(
                name: "merchant_staff");

            migrationBuilder.DropTable(
                name: "merchants");

            migrationBuilder.DropTable(
                name: "meta");

            migrationBuilder.DropTable(
                name: "one_time_codes");

            migrationBuilder.DropTable(
                name: "operators");

            migrationBuilder.DropTable(
                name: "passwordless_agreements");

            migrationBuilder.DropTable(
                name: "passwordless_disputes");

            migrationBuilder.DropTable(
                name: "payment_codes");

            migrationBuilder.DropTable(
                name: "payment_notifications");

            migrationBuilder.DropTable(
                name: "payment_orders");

            migrationBuilder.DropTable(
                name: "payment_refunds");

            migrationBuilder.DropTable(
                name: "phone_releases");

            migrationBuilder.DropTable(
                name: "real_name_attempts");

            migrationBuilder.DropTable(
                name: "real_name_records");

            migrationBuilder.DropTable(
                name: "risk_case_notes");

            migrationBuilder.DropTable(
                name: "risk_cases");

            migrationBuilder.DropTable(
                name: "risk_decisions");

            migrationBuilder.DropTable(
                name: "risk_list_entries");

            migrationBuilder.DropTable(
                name: "risk_profiles");

            migrationBuilder.DropTable(
                name: "risk_rules");

            migrationBuilder.DropTable(
                name: "sms_conversations");

            migrationBuilder.DropTable(
                name: "sms_outbox");

            migrationBuilder.DropTable(
                name: "transfer_limit_overrides");

            migrationBuilder.DropTable(
                name: "transfer_limit_periods");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "wallet_merges");

            migrationBuilder.DropTable(
                name: "wallet_sessions");

            migrationBuilder.DropTable(
                name: "wallet_transfer_legs");

            migrationBuilder.DropTable(
                name: "wallet_transfers");
        }
    }
}
