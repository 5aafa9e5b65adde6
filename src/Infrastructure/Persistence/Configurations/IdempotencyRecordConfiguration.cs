using CleanUser.Infrastructure.Idempotency;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanUser.Infrastructure.Persistence.Configurations;

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("IdempotencyKeys");
        // Scoped to the caller: the same key of two users is two rows.
        builder.HasKey(r => new { r.CallerId, r.Key });
        builder.Property(r => r.Key).HasMaxLength(IdempotencyRecord.MaxKeyLength);
        builder.Property(r => r.Fingerprint).HasMaxLength(32).IsRequired();
        builder.Property(r => r.ContentType).HasMaxLength(255);
        builder.Property(r => r.ETag).HasMaxLength(100);
        builder.Ignore(r => r.Response);

        // The sweep deletes by expiry.
        builder.HasIndex(r => r.ExpiresAt);
    }
}
