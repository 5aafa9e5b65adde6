using CleanUser.Infrastructure.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CleanUser.Infrastructure.Persistence.Configurations;

public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("OutboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.Type).HasMaxLength(255).IsRequired();
        builder.Property(m => m.Payload).IsRequired();
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.LockedBy).HasMaxLength(100);

        // UTC DateTime rather than DateTimeOffset: SQLite compares and orders these (ISO text), which the
        // dispatcher's queries need; the converter only restores the UTC kind on reading.
        var utc = new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        var utcOrNull = new ValueConverter<DateTime?, DateTime?>(v => v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
        builder.Property(m => m.OccurredAt).HasConversion(utc);
        builder.Property(m => m.CreatedAt).HasConversion(utc);
        builder.Property(m => m.NextAttemptAt).HasConversion(utc);
        builder.Property(m => m.ProcessedAt).HasConversion(utcOrNull);
        builder.Property(m => m.LockedUntil).HasConversion(utcOrNull);

        // The dispatcher only ever looks at pending rows; delivered ones stay out of its index.
        builder.HasIndex(m => m.NextAttemptAt).HasFilter("\"ProcessedAt\" IS NULL").HasDatabaseName("IX_OutboxMessages_Pending");
        // The purge finds the delivered rows past the retention period without reading the rest.
        builder.HasIndex(m => m.ProcessedAt).HasFilter("\"ProcessedAt\" IS NOT NULL").HasDatabaseName("IX_OutboxMessages_Delivered");
    }
}
