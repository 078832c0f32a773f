using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;

namespace Zhifu.Data;

/// <summary>
/// The platform's database. Two providers, each with its own migrations: <see cref="SqliteZhifuDb"/> (the embedded
/// default) and <see cref="PostgresZhifuDb"/> (production). Hot-path ledger SQL bypasses EF (see Ledger/).
/// </summary>
public abstract class ZhifuDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<LedgerAccountRow> LedgerAccounts => Set<LedgerAccountRow>();
    public DbSet<LedgerTransferRow> LedgerTransfers => Set<LedgerTransferRow>();
    public DbSet<LedgerPendingRow> LedgerPending => Set<LedgerPendingRow>();
    public DbSet<InstitutionAccountRow> InstitutionAccounts => Set<InstitutionAccountRow>();
    public DbSet<AdjustmentRow> Adjustments => Set<AdjustmentRow>();
    public DbSet<UserRow> Users => Set<UserRow>();
    public DbSet<MerchantRow> Merchants => Set<MerchantRow>();
    public DbSet<OperatorRow> Operators => Set<OperatorRow>();
    public DbSet<MetaRow> Meta => Set<MetaRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The ledger tables are shaped by hand for the batched writer (Migrations/*/…_LedgerTables.cs), so EF's generated
        // migrations leave them out and can be regenerated freely (scripts/regen-migrations.sh).
        modelBuilder.Entity<LedgerAccountRow>(e =>
        {
            e.ToTable("ledger_accounts", t => t.ExcludeFromMigrations());
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<LedgerTransferRow>(e =>
        {
            e.ToTable("ledger_transfers", t => t.ExcludeFromMigrations());
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<LedgerPendingRow>(e =>
        {
            e.ToTable("ledger_pending", t => t.ExcludeFromMigrations());
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<InstitutionAccountRow>(e =>
        {
            e.ToTable("institution_accounts");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(64);
            e.Property(x => x.Name).HasMaxLength(128);
            e.HasIndex(x => x.AccountId).IsUnique();
        });
        modelBuilder.Entity<AdjustmentRow>(e =>
        {
            e.ToTable("adjustments");
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Reason).HasMaxLength(256);
            e.Property(x => x.CreatedBy).HasMaxLength(64);
        });
        modelBuilder.Entity<MerchantRow>(e =>
        {
            e.ToTable("merchants");
            e.Property(x => x.MchId).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(128);
            e.HasIndex(x => x.MchId).IsUnique();
            e.HasIndex(x => new { x.Status, x.CreatedAt });
            e.Property(x => x.LicenceNo).HasMaxLength(18);
            e.Property(x => x.Mcc).HasMaxLength(4);
            e.Property(x => x.RiskLevel).HasMaxLength(8);
            e.Property(x => x.SettlementBank).HasMaxLength(16);
            e.Property(x => x.SettlementAccountName).HasMaxLength(128);
            e.Property(x => x.SettlementAccountLast4).HasMaxLength(4);
            e.Property(x => x.AppliedBy).HasMaxLength(64);
            e.Property(x => x.ReviewedBy).HasMaxLength(64);
            e.Property(x => x.ReviewNote).HasMaxLength(200);
        });
        modelBuilder.Entity<OperatorRow>(e =>
        {
            e.ToTable("operators");
            e.Property(x => x.Username).HasMaxLength(64);
            e.Property(x => x.Role).HasMaxLength(32);
            e.Property(x => x.PasswordHash).HasMaxLength(256);
            e.Property(x => x.SessionStamp).HasMaxLength(32);
            e.HasIndex(x => x.Username).IsUnique();
        });
        modelBuilder.Entity<MetaRow>(e =>
        {
            e.ToTable("meta");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(64);
            e.Property(x => x.Value).HasMaxLength(1024);
        });
        // Each feature keeps its rows and their mapping together (Entities/<Feature>/), as IEntityTypeConfiguration<T>.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ZhifuDb).Assembly);
    }
}
